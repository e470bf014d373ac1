#include <doctest/doctest.h>

#include "core/http/headers.h"
#include "core/http/request.h"

using namespace relay;

TEST_CASE("headers are case-insensitive and keep order") {
  Headers h;
  h.add("Content-Type", "application/json");
  h.add("X-Api-Key", "a");
  h.add("x-api-key", "b");
  REQUIRE(h.find("content-type") != nullptr);
  CHECK(*h.find("CONTENT-TYPE") == "application/json");
  CHECK(h.count("X-API-KEY") == 2);
  CHECK(*h.find("x-api-key") == "a");
  h.set("x-api-key", "c");
  CHECK(h.count("x-api-key") == 1);
  CHECK(*h.find("x-api-key") == "c");
  h.remove("X-API-KEY");
  CHECK_FALSE(h.has("x-api-key"));
  CHECK(h.all().front().name == "Content-Type");
}

TEST_CASE("hop-by-hop headers are recognised") {
  CHECK(isHopByHopHeader("Connection"));
  CHECK(isHopByHopHeader("transfer-encoding"));
  CHECK(isHopByHopHeader("Proxy-Authorization"));
  CHECK_FALSE(isHopByHopHeader("anthropic-beta"));
}

TEST_CASE("request path and query are split at the first '?'") {
  Request r;
  r.target = "/v1/messages?beta=true&key=a%20b+c";
  CHECK(r.path() == "/v1/messages");
  CHECK(r.query() == "beta=true&key=a%20b+c");
  CHECK(r.queryParam("beta") == "true");
  CHECK(r.queryParam("key") == "a b c");
  CHECK(r.queryParam("missing").empty());
  r.target = "/health";
  CHECK(r.path() == "/health");
  CHECK(r.query().empty());
}
