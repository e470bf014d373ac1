// DnsCache: literals bypass the resolver, names are cached, failures name the host.
#include <arpa/inet.h>
#include <netinet/in.h>

#include "connect_test_support.h"
#include "core/net/connect/dns_cache.h"
#include "doctest/doctest.h"

using namespace relay;
using relay::test::TestLoop;

namespace {
uint16_t portOf(const sockaddr_storage& a) {
  return ntohs(reinterpret_cast<const sockaddr_in*>(&a)->sin_port);
}
}  // namespace

TEST_CASE("IP literals resolve synchronously without a lookup") {
  TestLoop loop;
  DnsCache dns(loop.get());
  std::vector<sockaddr_storage> got;
  auto lookup = dns.resolve("::1", 8443, [&](auto a, std::string) { got = a; });
  CHECK(lookup == nullptr);
  REQUIRE(got.size() == 1);
  CHECK(got[0].ss_family == AF_INET6);
  CHECK(ntohs(reinterpret_cast<sockaddr_in6*>(&got[0])->sin6_port) == 8443);
  dns.resolve("127.0.0.1", 80, [&](auto a, std::string) { got = a; });
  CHECK(got[0].ss_family == AF_INET);
  CHECK(dns.lookupsStarted() == 0);
}

TEST_CASE("names resolve asynchronously and are cached") {
  TestLoop loop;
  DnsCache dns(loop.get());
  std::vector<sockaddr_storage> first, second;
  bool done = false;
  auto lookup = dns.resolve("localhost", 8080, [&](auto a, std::string error) {
    CHECK(error.empty());
    first = a;
    done = true;
  });
  CHECK_FALSE(done);
  REQUIRE(loop.runUntil([&] { return done; }));
  REQUIRE_FALSE(first.empty());
  CHECK(portOf(first[0]) == 8080);
  auto again = dns.resolve("localhost", 9090, [&](auto a, std::string) { second = a; });
  CHECK(again == nullptr);  // cache hit
  REQUIRE(second.size() == first.size());
  CHECK(portOf(second[0]) == 9090);
  CHECK(dns.lookupsStarted() == 1);
}

TEST_CASE("a name that does not resolve is an error, and a cancelled lookup never calls back") {
  TestLoop loop;
  DnsCache dns(loop.get());
  std::string error;
  bool done = false, cancelled_called = false;
  auto lookup = dns.resolve("nosuch.invalid", 443, [&](auto a, std::string e) {
    CHECK(a.empty());
    error = e;
    done = true;
  });
  auto other =
      dns.resolve("nosuch.invalid", 443, [&](auto, std::string) { cancelled_called = true; });
  other->cancel();
  REQUIRE(loop.runUntil([&] { return done; }));
  CHECK(error.find("does not resolve") == 0);
  CHECK_FALSE(cancelled_called);
  CHECK(dns.cachedHostCount() == 0);
}
