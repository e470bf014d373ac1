// TLS against a real node server with a certificate from a test CA.
#include "connect_test_support.h"
#include "doctest/doctest.h"

using namespace relay;
using namespace relay::test;
using Kind = TransportError::Kind;

namespace {
ConnectOptions tlsTo(const std::string& host, uint16_t port) {
  ConnectOptions o;
  o.host = host;
  o.port = port;
  o.ca_file = testCerts().ca_file;
  o.account_id = "a1";
  o.handshake_timeout_ms = 3000;
  return o;
}
}  // namespace

TEST_CASE("TLS with the test CA negotiates h2 when the server offers it") {
  NodeServer server("tls", "h2,http/1.1");
  TestLoop loop;
  DnsCache dns(loop.get());
  auto out = connectAndWait(loop, dns, tlsTo("localhost", server.port()));
  INFO((out.error ? out.error->message : ""));
  REQUIRE(out.transport);
  CHECK(out.transport->alpn() == "h2");
  RecordingHandler h;
  out.transport->setHandler(&h);
  out.transport->write("hello over tls");
  CHECK(loop.runUntil([&] { return h.data == "ALPN:h2\nhello over tls"; }));
  out.transport->close();
  out.transport.reset();
}

TEST_CASE("TLS negotiates http/1.1 when that is all the server allows") {
  NodeServer server("tls", "http/1.1");
  TestLoop loop;
  DnsCache dns(loop.get());
  auto out = connectAndWait(loop, dns, tlsTo("localhost", server.port()));
  REQUIRE(out.transport);
  CHECK(out.transport->alpn() == "http/1.1");
  RecordingHandler h;
  out.transport->setHandler(&h);
  CHECK(loop.runUntil([&] { return h.data == "ALPN:http/1.1\n"; }));
}

TEST_CASE("without the test CA the certificate is refused") {
  NodeServer server("tls", "h2");
  TestLoop loop;
  DnsCache dns(loop.get());
  auto opts = tlsTo("localhost", server.port());
  opts.ca_file.clear();
  auto out = connectAndWait(loop, dns, opts);
  REQUIRE(out.error);
  CHECK(out.error->kind == Kind::Tls);
  CHECK(out.error->message.find("certificate verify failed") != std::string::npos);
}

TEST_CASE("a certificate for another host is refused") {
  NodeServer server("tls", "h2");
  TestLoop loop;
  DnsCache dns(loop.get());
  // The certificate names only DNS:localhost.
  auto out = connectAndWait(loop, dns, tlsTo("127.0.0.1", server.port()));
  REQUIRE(out.error);
  CHECK(out.error->kind == Kind::Tls);
  CHECK(out.error->message.find("account a1: tls 127.0.0.1:") == 0);
  CHECK(out.error->message.find("IP address mismatch") != std::string::npos);
  auto renamed = tlsTo("localhost", server.port());
  renamed.sni = "api.example.com";
  auto out2 = connectAndWait(loop, dns, renamed);
  REQUIRE(out2.error);
  CHECK(out2.error->kind == Kind::Tls);
  CHECK(out2.error->message.find("hostname mismatch") != std::string::npos);
}

TEST_CASE("an unreadable ca_file is a Tls error naming the file") {
  TestLoop loop;
  DnsCache dns(loop.get());
  NodeServer server("tls", "h2");
  auto opts = tlsTo("localhost", server.port());
  opts.ca_file = "/nonexistent/ca.pem";
  auto out = connectAndWait(loop, dns, opts);
  REQUIRE(out.error);
  CHECK(out.error->kind == Kind::Tls);
  CHECK(out.error->message.find("/nonexistent/ca.pem") != std::string::npos);
}

TEST_CASE("a server that never answers the TLS handshake times out") {
  SilentListener silent;
  TestLoop loop;
  DnsCache dns(loop.get());
  auto opts = tlsTo("localhost", silent.port());
  opts.handshake_timeout_ms = 300;
  auto out = connectAndWait(loop, dns, opts);
  REQUIRE(out.error);
  CHECK(out.error->kind == Kind::Timeout);
  CHECK(out.error->message.find("handshake timed out after 300 ms") != std::string::npos);
}

TEST_CASE("pauseReading stops delivery and lets writes back up; resume drains everything") {
  NodeServer server("tls", "http/1.1");
  TestLoop loop;
  DnsCache dns(loop.get());
  auto out = connectAndWait(loop, dns, tlsTo("localhost", server.port()));
  REQUIRE(out.transport);
  Transport& t = *out.transport;
  RecordingHandler h;
  t.setHandler(&h);
  REQUIRE(loop.runUntil([&] { return h.data == "ALPN:http/1.1\n"; }));
  h.data.clear();

  t.pauseReading();
  const std::string chunk(64 * 1024, 'x');
  const size_t total = 48 * 1024 * 1024;  // far above socket buffers on both sides
  for (size_t sent = 0; sent < total; sent += chunk.size()) t.write(chunk);
  loop.runFor(500);
  CHECK(h.data.empty());  // paused: nothing delivered although the server echoes
  CHECK(t.pendingWriteBytes() > Transport::kWriteLowWaterBytes);  // the echo loop backed up
  int events_before = h.writable_events;

  t.resumeReading();
  CHECK(loop.runUntil([&] { return h.data.size() == total; }, 20000));
  CHECK(t.pendingWriteBytes() == 0);
  CHECK(h.writable_events > events_before);
  CHECK(h.data.find_first_not_of('x') == std::string::npos);
}

TEST_CASE("the TLS records one socket read brings are handed on as one piece, in order") {
  NodeServer server("tls", "http/1.1");
  TestLoop loop;
  DnsCache dns(loop.get());
  auto out = connectAndWait(loop, dns, tlsTo("localhost", server.port()));
  REQUIRE(out.transport);
  Transport& t = *out.transport;
  RecordingHandler h;
  t.setHandler(&h);
  REQUIRE(loop.runUntil([&] { return h.data == "ALPN:http/1.1\n"; }));
  h.data.clear();
  int events_before = h.data_events;

  // The server echoes each write in a record of its own; paused, they pile up in the socket.
  t.pauseReading();
  for (const char* part : {"data: one\n\n", "data: two\n\n", "data: three\n\n"}) {
    t.write(part);
    loop.runFor(100);
  }
  CHECK(h.data.empty());
  t.resumeReading();
  REQUIRE(loop.runUntil([&] { return h.data.size() == 35; }));
  CHECK(h.data == "data: one\n\ndata: two\n\ndata: three\n\n");
  CHECK(h.data_events == events_before + 1);  // one record per delivery would be three

  t.close();
}
