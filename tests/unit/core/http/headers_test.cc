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

static std::string nameOf(int i) {
  std::string name(1, 'h');  // appended: GCC 12 warns falsely on "h" + std::to_string (105329)
  name.append(std::to_string(i));
  return name;
}

// removeIf marks up to 64 headers in a mask and compacts out of line; past 64 it takes the
// per-header path: both must keep the order and each header's name, value and flag.
TEST_CASE("removeIf keeps the order and the fields, below and above 64 headers") {
  for (int n : {1, 9, 64, 65, 130}) {
    Headers h;
    for (int i = 0; i < n; ++i) {
      // Long values hold heap memory, short ones are inline: the moves handle both.
      h.add(nameOf(i), i % 2 == 0 ? std::string(40, 'a' + i % 26) : "v");
      h.all().back().verified = i % 3 == 0;
    }
    int evaluated = 0;
    h.removeIf([&](const Header& x) {
      ++evaluated;
      return std::stoi(x.name.substr(1)) % 3 == 1;
    });
    CHECK(evaluated == n);
    int expect = 0;
    for (const Header& x : h.all()) {
      while (expect % 3 == 1) ++expect;
      CHECK(x.name == nameOf(expect));
      CHECK(x.value == (expect % 2 == 0 ? std::string(40, 'a' + expect % 26) : "v"));
      CHECK(x.verified == (expect % 3 == 0));
      ++expect;
    }
    size_t kept = 0;
    for (int i = 0; i < n; ++i) kept += i % 3 != 1;
    CHECK(h.size() == kept);
  }
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
