// connectTransport over plain TCP against real loopback listeners.
#include "connect_test_support.h"
#include "doctest/doctest.h"

using namespace relay;
using namespace relay::test;
using Kind = TransportError::Kind;

namespace {
ConnectOptions plain(const std::string& host, uint16_t port) {
  ConnectOptions o;
  o.host = host;
  o.port = port;
  o.tls = false;
  o.account_id = "a1";
  return o;
}

// Timers armed on the loop right now.
int activeTimers(uv_loop_t* loop) {
  int n = 0;
  uv_walk(
      loop,
      [](uv_handle_t* h, void* arg) {
        if (h->type == UV_TIMER && uv_is_active(h) != 0) ++*static_cast<int*>(arg);
      },
      &n);
  return n;
}
}  // namespace

TEST_CASE("plain TCP connects, echoes, and closes cleanly") {
  NodeServer echo("echo");
  TestLoop loop;
  DnsCache dns(loop.get());
  auto out = connectAndWait(loop, dns, plain("localhost", echo.port()));
  REQUIRE(out.transport);
  CHECK(out.transport->alpn() == "");
  CHECK(out.transport->isOpen());
  RecordingHandler h;
  out.transport->setHandler(&h);
  out.transport->write("ping");
  CHECK(loop.runUntil([&] { return h.data == "ping"; }));
  out.transport->close();
  CHECK_FALSE(out.transport->isOpen());
  out.transport.reset();  // destroyed right after close(): the loop must still close cleanly
}

TEST_CASE("a plain connection with nothing held arms no drain timer when its handler is set") {
  NodeServer echo("echo");
  TestLoop loop;
  DnsCache dns(loop.get());
  auto out = connectAndWait(loop, dns, plain("127.0.0.1", echo.port()));
  REQUIRE(out.transport);
  int before = activeTimers(loop.get());
  RecordingHandler h;
  out.transport->setHandler(&h);
  // Nothing can be waiting: the first bytes are read straight to the handler, no loop turn or
  // timer first (one per new upstream connection).
  CHECK(activeTimers(loop.get()) == before);
  out.transport->write("ping");
  CHECK(loop.runUntil([&] { return h.data == "ping"; }));
  CHECK(h.data_events >= 1);
  out.transport->close();
}

TEST_CASE("a name that does not resolve is a Dns error naming the host and account") {
  TestLoop loop;
  DnsCache dns(loop.get());
  auto out = connectAndWait(loop, dns, plain("api.nosuch.invalid", 443));
  REQUIRE(out.error);
  CHECK(out.error->kind == Kind::Dns);
  CHECK(out.error->message.find("account a1: dns api.nosuch.invalid: does not resolve") == 0);
}

TEST_CASE("a closed port is a Connect error") {
  TestLoop loop;
  DnsCache dns(loop.get());
  uint16_t port = freePort();
  auto out = connectAndWait(loop, dns, plain("127.0.0.1", port));
  REQUIRE(out.error);
  CHECK(out.error->kind == Kind::Connect);
  CHECK(out.error->message == "account a1: 127.0.0.1:" + std::to_string(port) +
                                  ": connect 127.0.0.1:" + std::to_string(port) +
                                  ": connection refused");
}

TEST_CASE("a connect that never completes times out") {
  SilentListener full(0);
  full.fillBacklog();
  TestLoop loop;
  DnsCache dns(loop.get());
  auto opts = plain("127.0.0.1", full.port());
  opts.connect_timeout_ms = 300;
  auto out = connectAndWait(loop, dns, opts);
  REQUIRE(out.error);
  CHECK(out.error->kind == Kind::Timeout);
  CHECK(out.error->message.find("timed out after 300 ms") != std::string::npos);
}

TEST_CASE("cancelling an attempt means no callback") {
  NodeServer echo("echo");
  TestLoop loop;
  DnsCache dns(loop.get());
  bool called = false;
  auto attempt = connectTransport(loop.get(), dns, plain("localhost", echo.port()),
                                  [&](auto, auto) { called = true; });
  attempt->cancel();
  loop.runFor(100);
  CHECK_FALSE(called);
}

TEST_CASE(
    "an IP literal is dialled before connectTransport returns; callbacks come from the loop") {
  SilentListener listener;
  TestLoop loop;
  DnsCache dns(loop.get());
  bool called = false;
  std::unique_ptr<Transport> transport;
  auto attempt = connectTransport(loop.get(), dns, plain("127.0.0.1", listener.port()),
                                  [&](std::unique_ptr<Transport> t, auto) {
                                    called = true;
                                    transport = std::move(t);
                                  });
  // The SYN left inside the call: no loop turn first (a new upstream connection per stream
  // would otherwise wait for everything else that turn runs).
  CHECK(listener.connectionPending(2000));
  CHECK_FALSE(called);
  REQUIRE(loop.runUntil([&] { return called; }));
  CHECK(transport);
  transport.reset();

  // A failure found inside the call is still reported from the loop.
  bool failed = false;
  ConnectOptions bad = plain("127.0.0.1", listener.port());
  bad.proxy = ProxyConfig{};
  bad.proxy->type = "socks4";
  bad.proxy->host = "127.0.0.1";
  bad.proxy->port = 1080;
  auto refused = connectTransport(loop.get(), dns, bad, [&](auto, auto error) {
    failed = true;
    CHECK(error);
  });
  CHECK_FALSE(failed);
  CHECK(loop.runUntil([&] { return failed; }));
}
