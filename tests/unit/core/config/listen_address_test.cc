#include "core/config/listen_address.h"

#include <doctest/doctest.h>

namespace relay {

TEST_CASE("--listen takes HOST:PORT, bracketed IPv6, and port 0") {
  std::string error;
  auto a = parseListenAddress("127.0.0.1:3000", &error);
  REQUIRE(a);
  CHECK(a->host == "127.0.0.1");
  CHECK(a->port == 3000);
  a = parseListenAddress("[::1]:0", &error);
  REQUIRE(a);
  CHECK(a->host == "::1");
  CHECK(a->port == 0);
  a = parseListenAddress("localhost:65535", &error);
  REQUIRE(a);
  CHECK(a->host == "localhost");
}

TEST_CASE("--listen rejects what it cannot bind as written") {
  std::string error;
  CHECK_FALSE(parseListenAddress("3000", &error));
  CHECK(error.find("HOST:PORT") != std::string::npos);
  CHECK_FALSE(parseListenAddress(":3000", &error));
  CHECK_FALSE(parseListenAddress("127.0.0.1:", &error));
  CHECK_FALSE(parseListenAddress("127.0.0.1:65536", &error));
  CHECK(error.find("0 to 65535") != std::string::npos);
  CHECK_FALSE(parseListenAddress("127.0.0.1:80x", &error));
  CHECK_FALSE(parseListenAddress("::1:80", &error));
  CHECK(error.find("brackets") != std::string::npos);
  CHECK_FALSE(parseListenAddress("[::1:80", &error));
}

}  // namespace relay
