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

std::string keyOf(const Request& r) {
  std::string decoded;
  return std::string(formats::clientKey(r, &decoded));
}

}  // namespace

TEST_CASE("a client key is read from each place a format puts it") {
  CHECK(keyOf(withHeader("x-api-key", "k1")) == "k1");
  CHECK(keyOf(withHeader("Authorization", "Bearer  k2")) == "k2");
  CHECK(keyOf(withHeader("x-goog-api-key", "k3")) == "k3");
  CHECK(keyOf(withHeader("", "", "/gemini/v1/models/m:generateContent?key=k4")) == "k4");
  CHECK(keyOf(withHeader("Authorization", "Basic abc")) == "");
  CHECK(keyOf(withHeader("", "")) == "");
}

TEST_CASE("a key in a header is read in place, a ?key= one decoded into the caller's string") {
  std::string decoded;
  Request r = withHeader("x-api-key", "sk-relay-a-key-longer-than-a-short-string-holds");
  std::string_view key = formats::clientKey(r, &decoded);
  CHECK(key.data() == r.headers.find("x-api-key")->data());  // not copied
  Request q = withHeader("", "", "/gemini/v1/models/m:generateContent?key=a%2Fb");
  CHECK(formats::clientKey(q, &decoded) == "a/b");
  CHECK(decoded == "a/b");
}

TEST_CASE("x-api-key wins over a bearer token") {
  Request r = withHeader("Authorization", "Bearer second");
  r.headers.add("x-api-key", "first");
  CHECK(keyOf(r) == "first");
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

TEST_CASE("the place a key was read from is reported (a model list's shape depends on it)") {
  auto placeOf = [](const Request& r) {
    std::string decoded;
    formats::KeyPlace place = formats::KeyPlace::kNone;
    formats::clientKey(r, &decoded, &place);
    return place;
  };
  CHECK(placeOf(withHeader("x-api-key", "k1")) == formats::KeyPlace::kXApiKey);
  CHECK(placeOf(withHeader("Authorization", "Bearer k2")) == formats::KeyPlace::kBearer);
  CHECK(placeOf(withHeader("x-goog-api-key", "k3")) == formats::KeyPlace::kXGoogApiKey);
  CHECK(placeOf(withHeader("", "", "/v1/models?key=k4")) == formats::KeyPlace::kQuery);
  CHECK(placeOf(withHeader("Authorization", "Basic abc")) == formats::KeyPlace::kNone);
  Request both = withHeader("Authorization", "Bearer second");
  both.headers.add("x-api-key", "first");
  CHECK(placeOf(both) == formats::KeyPlace::kXApiKey);
}
