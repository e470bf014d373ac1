#include <doctest/doctest.h>

#include "core/formats/client_key.h"

using namespace relay;

namespace {

Request withHeader(std::string name, std::string value, std::string target = "/v1/messages") {
  Request r;
  r.method = "POST";
  r.target = std::move(target);
  if (!name.empty()) r.headers.add(std::move(name), std::move(value));
  return r;
}

}  // namespace

TEST_CASE("a client key is read from each place a format puts it") {
  CHECK(formats::clientKey(withHeader("x-api-key", "k1")) == "k1");
  CHECK(formats::clientKey(withHeader("Authorization", "Bearer  k2")) == "k2");
  CHECK(formats::clientKey(withHeader("x-goog-api-key", "k3")) == "k3");
  CHECK(formats::clientKey(withHeader("", "", "/gemini/v1/models/m:generateContent?key=k4")) ==
        "k4");
  CHECK(formats::clientKey(withHeader("Authorization", "Basic abc")) == "");
  CHECK(formats::clientKey(withHeader("", "")) == "");
}

TEST_CASE("x-api-key wins over a bearer token") {
  Request r = withHeader("Authorization", "Bearer second");
  r.headers.add("x-api-key", "first");
  CHECK(formats::clientKey(r) == "first");
}

TEST_CASE("every key header is removed, other headers stay") {
  Request r = withHeader("x-api-key", "a");
  r.headers.add("Authorization", "Bearer b");
  r.headers.add("x-goog-api-key", "c");
  r.headers.add("content-type", "application/json");
  formats::removeClientKeyHeaders(r.headers);
  CHECK(r.headers.find("x-api-key") == nullptr);
  CHECK(r.headers.find("authorization") == nullptr);
  CHECK(r.headers.find("x-goog-api-key") == nullptr);
  CHECK(r.headers.find("content-type") != nullptr);
}

TEST_CASE("key headers are recognised in any case, and only they") {
  CHECK(formats::isClientKeyHeader("X-Api-Key"));
  CHECK(formats::isClientKeyHeader("AUTHORIZATION"));
  CHECK(formats::isClientKeyHeader("x-goog-api-key"));
  CHECK_FALSE(formats::isClientKeyHeader("x-api-keys"));
  CHECK_FALSE(formats::isClientKeyHeader("proxy-authorization"));
  CHECK_FALSE(formats::isClientKeyHeader("content-type"));
}
