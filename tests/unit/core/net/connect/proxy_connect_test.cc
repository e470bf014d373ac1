// Through real proxies: microsocks (SOCKS5 + RFC 1929) and tinyproxy (HTTP CONNECT + Basic).
#include "connect_test_support.h"
#include "doctest/doctest.h"

using namespace relay;
using namespace relay::test;
using Kind = TransportError::Kind;

namespace {

class Microsocks {
 public:
  Microsocks() {
    requireBinary("microsocks");
    port_ = freePort();
    child_ = std::make_unique<ChildProcess>(
        std::vector<std::string>{"microsocks", "-i", "127.0.0.1", "-p", std::to_string(port_), "-u",
                                 "user", "-P", "pass"},
        dir_.file("microsocks.log"));
    REQUIRE(waitForPort(port_));
  }
  uint16_t port() const { return port_; }

 private:
  TempDir dir_;
  uint16_t port_;
  std::unique_ptr<ChildProcess> child_;
};

class Tinyproxy {
 public:
  explicit Tinyproxy(uint16_t allowed_connect_port) {
    requireBinary("tinyproxy");
    port_ = freePort();
    dir_.write("tinyproxy.conf", "Port " + std::to_string(port_) +
                                     "\nListen 127.0.0.1\nTimeout 30\nLogFile \"" + log() +
                                     "\"\nLogLevel Info\nPidFile \"" + dir_.file("tinyproxy.pid") +
                                     "\"\nMaxClients 20\nAllow 127.0.0.1\nBasicAuth user pass\n"
                                     "ConnectPort " +
                                     std::to_string(allowed_connect_port) + "\n");
    child_ = std::make_unique<ChildProcess>(
        std::vector<std::string>{"tinyproxy", "-d", "-c", dir_.file("tinyproxy.conf")},
        dir_.file("stderr.log"));
    INFO(readFile(dir_.file("stderr.log")));
    REQUIRE(waitForPort(port_));
  }
  uint16_t port() const { return port_; }
  std::string log() const { return dir_.file("tinyproxy.log"); }

 private:
  TempDir dir_;
  uint16_t port_;
  std::unique_ptr<ChildProcess> child_;
};

ConnectOptions viaProxy(const std::string& type, uint16_t proxy_port, const std::string& password,
                        uint16_t target_port) {
  ConnectOptions o;
  o.host = "localhost";
  o.port = target_port;
  o.ca_file = testCerts().ca_file;
  o.account_id = "a1";
  o.handshake_timeout_ms = 3000;
  o.proxy = ProxyConfig{type, "127.0.0.1", proxy_port, "user", password};
  return o;
}

std::string proxyName(const std::string& type, uint16_t port) {
  return "proxy " + type + " 127.0.0.1:" + std::to_string(port);
}

}  // namespace

TEST_CASE("SOCKS5 with the right password tunnels TLS to the target host name") {
  NodeServer target("tls", "h2,http/1.1");
  Microsocks socks;
  TestLoop loop;
  DnsCache dns(loop.get());
  auto out = connectAndWait(loop, dns, viaProxy("socks5", socks.port(), "pass", target.port()));
  INFO((out.error ? out.error->message : ""));
  REQUIRE(out.transport);
  CHECK(out.transport->alpn() == "h2");  // negotiated with the origin, not the proxy
  RecordingHandler h;
  out.transport->setHandler(&h);
  out.transport->write("via socks");
  CHECK(loop.runUntil([&] { return h.data == "ALPN:h2\nvia socks"; }));
}

TEST_CASE("SOCKS5 with a wrong password is a ProxyAuth error naming account and proxy") {
  NodeServer target("tls", "h2");
  Microsocks socks;
  TestLoop loop;
  DnsCache dns(loop.get());
  auto out = connectAndWait(loop, dns, viaProxy("socks5", socks.port(), "wrong", target.port()));
  REQUIRE(out.error);
  CHECK(out.error->kind == Kind::ProxyAuth);
  CHECK(out.error->message ==
        "account a1: " + proxyName("socks5", socks.port()) + ": SOCKS5 authentication rejected");
}

TEST_CASE("SOCKS5 without credentials against an authenticating proxy is refused") {
  NodeServer target("tls", "h2");
  Microsocks socks;
  TestLoop loop;
  DnsCache dns(loop.get());
  auto opts = viaProxy("socks5", socks.port(), "", target.port());
  opts.proxy->username.clear();
  auto out = connectAndWait(loop, dns, opts);
  REQUIRE(out.error);
  CHECK(out.error->kind == Kind::ProxyAuth);
}

TEST_CASE("HTTP CONNECT with the right password tunnels TLS through tinyproxy") {
  NodeServer target("tls", "http/1.1");
  Tinyproxy proxy(target.port());
  TestLoop loop;
  DnsCache dns(loop.get());
  auto out = connectAndWait(loop, dns, viaProxy("http", proxy.port(), "pass", target.port()));
  INFO((out.error ? out.error->message : ""));
  REQUIRE(out.transport);
  CHECK(out.transport->alpn() == "http/1.1");
  RecordingHandler h;
  out.transport->setHandler(&h);
  out.transport->write("via tinyproxy");
  CHECK(loop.runUntil([&] { return h.data == "ALPN:http/1.1\nvia tinyproxy"; }));
  CHECK(readFile(proxy.log()).find("Established connection to host \"localhost\"") !=
        std::string::npos);
}

TEST_CASE("HTTP CONNECT with a wrong or missing password is a ProxyAuth error") {
  NodeServer target("tls", "h2");
  Tinyproxy proxy(target.port());
  TestLoop loop;
  DnsCache dns(loop.get());
  auto out = connectAndWait(loop, dns, viaProxy("http", proxy.port(), "wrong", target.port()));
  REQUIRE(out.error);
  INFO(out.error->message);
  CHECK(out.error->kind == Kind::ProxyAuth);
  CHECK(out.error->message.find("account a1: " + proxyName("http", proxy.port()) +
                                ": HTTP proxy refused CONNECT localhost:") == 0);
  // tinyproxy answers wrong credentials with 401, missing ones with 407.
  CHECK(out.error->message.find("401 Unauthorized (credentials rejected)") != std::string::npos);
  CHECK(out.error->message.find("wrong") == std::string::npos);

  auto anonymous = viaProxy("http", proxy.port(), "", target.port());
  anonymous.proxy->username.clear();
  auto out2 = connectAndWait(loop, dns, anonymous);
  REQUIRE(out2.error);
  CHECK(out2.error->kind == Kind::ProxyAuth);
  CHECK(out2.error->message.find("407 Proxy Authentication Required (no username/password") !=
        std::string::npos);
}

TEST_CASE("HTTP CONNECT to a port the proxy does not allow surfaces its status") {
  NodeServer target("tls", "h2");
  Tinyproxy proxy(static_cast<uint16_t>(target.port() == 1 ? 2 : 1));
  TestLoop loop;
  DnsCache dns(loop.get());
  auto out = connectAndWait(loop, dns, viaProxy("http", proxy.port(), "pass", target.port()));
  REQUIRE(out.error);
  CHECK(out.error->kind == Kind::Proxy);
  CHECK(out.error->message.find("403") != std::string::npos);
}

TEST_CASE("bytes that arrive with the CONNECT reply are kept for the tunnel") {
  NodeServer proxy("fakeproxy");
  TestLoop loop;
  DnsCache dns(loop.get());
  auto opts = viaProxy("http", proxy.port(), "pass", 8443);
  opts.tls = false;
  auto out = connectAndWait(loop, dns, opts);
  REQUIRE(out.transport);
  RecordingHandler h;
  out.transport->setHandler(&h);
  CHECK(loop.runUntil([&] { return !h.data.empty(); }));
  CHECK(h.data == "EARLY-BYTES<CONNECT localhost:8443 HTTP/1.1>");
  out.transport->write("after");
  CHECK(loop.runUntil([&] { return h.data.size() > 44; }));
  CHECK(h.data == "EARLY-BYTES<CONNECT localhost:8443 HTTP/1.1>after");
}

TEST_CASE("a proxy that never answers times out in the handshake") {
  SilentListener silent;
  TestLoop loop;
  DnsCache dns(loop.get());
  auto opts = viaProxy("socks5", silent.port(), "pass", 443);
  opts.handshake_timeout_ms = 300;
  auto out = connectAndWait(loop, dns, opts);
  REQUIRE(out.error);
  CHECK(out.error->kind == Kind::Timeout);
  CHECK(out.error->message == "account a1: " + proxyName("socks5", silent.port()) +
                                  ": proxy handshake timed out after 300 ms");
}

TEST_CASE("an unknown proxy type is refused up front") {
  TestLoop loop;
  DnsCache dns(loop.get());
  auto opts = viaProxy("socks4", 1080, "pass", 443);
  auto out = connectAndWait(loop, dns, opts);
  REQUIRE(out.error);
  CHECK(out.error->kind == Kind::Proxy);
  CHECK(out.error->message.find("unsupported proxy type 'socks4'") != std::string::npos);
}
