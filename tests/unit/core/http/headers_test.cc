#include <doctest/doctest.h>

#include <string>

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

TEST_CASE("every hop-by-hop name in any case, and no name of the same length that differs") {
  for (std::string name : {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization",
                           "te", "trailer", "transfer-encoding", "upgrade", "proxy-connection"}) {
    CHECK_MESSAGE(isHopByHopHeader(name), name);
    std::string upper = name;
    for (char& c : upper) c = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c;
    CHECK_MESSAGE(isHopByHopHeader(upper), upper);
    for (size_t i = 0; i < name.size(); ++i) {
      std::string near = name;
      near[i] = near[i] == 'x' ? 'y' : 'x';
      CHECK_MESSAGE(!isHopByHopHeader(near), near);
    }
    CHECK_FALSE(isHopByHopHeader(name + "s"));
    CHECK_FALSE(isHopByHopHeader(name.substr(1)));
  }
  CHECK_FALSE(isHopByHopHeader(""));
  CHECK_FALSE(isHopByHopHeader("content-length"));
  CHECK_FALSE(isHopByHopHeader("host"));
}

TEST_CASE("case folding covers ASCII letters only") {
  CHECK(equalsIgnoreCase("Content-Type", "content-TYPE"));
  CHECK(equalsIgnoreCase("", ""));
  CHECK_FALSE(equalsIgnoreCase("a", "ab"));
  // Pairs 0x20 apart that are not letters stay different.
  CHECK_FALSE(equalsIgnoreCase("@", "`"));
  CHECK_FALSE(equalsIgnoreCase("[", "{"));
  CHECK_FALSE(equalsIgnoreCase("^", "~"));
  CHECK_FALSE(equalsIgnoreCase("\xc0", "\xe0"));  // no locale folding of Latin-1
  CHECK_FALSE(equalsIgnoreCase("x-a", "x-b"));
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
