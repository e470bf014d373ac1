// Byte-level SOCKS5 and HTTP CONNECT dialogues, without sockets.
#include <string>

#include "core/net/connect/http_connect_handshake.h"
#include "core/net/connect/socks5_handshake.h"
#include "doctest/doctest.h"

using relay::HttpConnectHandshake;
using relay::ProxyHandshake;
using relay::Socks5Handshake;
using Kind = relay::TransportError::Kind;
using Status = ProxyHandshake::Status;
using namespace std::string_literals;

TEST_CASE("SOCKS5 offers username/password only when credentials are configured") {
  CHECK(Socks5Handshake("api.example.com", 443, "", "").start() == "\x05\x01\x00"s);
  CHECK(Socks5Handshake("api.example.com", 443, "u", "p").start() == "\x05\x02\x00\x02"s);
}

TEST_CASE("SOCKS5 authenticates, sends the host name (ATYP 3) and keeps bytes past BND") {
  Socks5Handshake hs("api.example.com", 443, "user", "secret");
  hs.start();
  std::string out;
  CHECK(hs.feed("\x05\x02"s, out) == Status::NeedMore);
  CHECK(out == "\x01\x04user\x06secret"s);
  out.clear();
  CHECK(hs.feed("\x01\x00"s, out) == Status::NeedMore);
  CHECK(out == "\x05\x01\x00\x03\x0f"s + "api.example.com" + "\x01\xbb"s);
  // Reply with a domain BND.ADDR, split across reads; then tunnel bytes.
  CHECK(hs.feed("\x05\x00\x00\x03\x09prox"s, out) == Status::NeedMore);
  CHECK(hs.feed("y.lan\x04\x38TUNNEL"s, out) == Status::Done);
  CHECK(hs.leftover() == "TUNNEL");
}

TEST_CASE("SOCKS5 sends IP literals as ATYP 1") {
  Socks5Handshake hs("10.1.2.3", 8080, "", "");
  std::string out;
  CHECK(hs.feed("\x05\x00"s, out) == Status::NeedMore);
  CHECK(out == "\x05\x01\x00\x01\x0a\x01\x02\x03\x1f\x90"s);
  CHECK(hs.feed("\x05\x00\x00\x01\x7f\x00\x00\x01\x00\x50"s, out) == Status::Done);
  CHECK(hs.leftover().empty());
}

TEST_CASE("SOCKS5 failures say why") {
  std::string out;
  Socks5Handshake rejected("h", 1, "user", "wrong");
  rejected.feed("\x05\x02"s, out);
  CHECK(rejected.feed("\x01\x01"s, out) == Status::Failed);
  CHECK(rejected.errorKind() == Kind::ProxyAuth);
  CHECK(rejected.error() == "SOCKS5 authentication rejected");
  CHECK(rejected.error().find("wrong") == std::string::npos);

  Socks5Handshake needs_auth("h", 1, "", "");
  CHECK(needs_auth.feed("\x05\xff"s, out) == Status::Failed);
  CHECK(needs_auth.errorKind() == Kind::ProxyAuth);

  Socks5Handshake refused("h", 1, "", "");
  refused.feed("\x05\x00"s, out);
  CHECK(refused.feed("\x05\x05\x00\x01\0\0\0\0\0\0"s, out) == Status::Failed);
  CHECK(refused.errorKind() == Kind::Proxy);
  CHECK(refused.error().find("connection refused (05)") != std::string::npos);
}

TEST_CASE("HTTP CONNECT sends Basic auth and keeps bytes past the reply") {
  HttpConnectHandshake hs("api.example.com", 443, "user", "pass");
  CHECK(hs.start() ==
        "CONNECT api.example.com:443 HTTP/1.1\r\nHost: api.example.com:443\r\n"
        "Proxy-Authorization: Basic dXNlcjpwYXNz\r\n\r\n");
  std::string out;
  CHECK(hs.feed("HTTP/1.1 200 Connection established\r\nVia: x\r", out) == Status::NeedMore);
  CHECK(hs.feed("\n\r\nEARLY", out) == Status::Done);
  CHECK(hs.leftover() == "EARLY");
  CHECK(out.empty());
}

TEST_CASE("HTTP CONNECT without credentials, IPv6 target in brackets") {
  HttpConnectHandshake hs("::1", 8443, "", "");
  CHECK(hs.start() == "CONNECT [::1]:8443 HTTP/1.1\r\nHost: [::1]:8443\r\n\r\n");
}

TEST_CASE("HTTP CONNECT surfaces 407, 401 and 403") {
  std::string out;
  HttpConnectHandshake auth("h", 443, "user", "bad");
  CHECK(auth.feed("HTTP/1.0 407 Proxy Authentication Required\r\n\r\n", out) == Status::Failed);
  CHECK(auth.errorKind() == Kind::ProxyAuth);
  CHECK(auth.error().find("407") != std::string::npos);
  CHECK(auth.error().find("bad") == std::string::npos);

  HttpConnectHandshake unauthorized("h", 443, "user", "bad");
  CHECK(unauthorized.feed("HTTP/1.0 401 Unauthorized\r\n\r\n", out) == Status::Failed);
  CHECK(unauthorized.errorKind() == Kind::ProxyAuth);

  HttpConnectHandshake forbidden("h", 443, "", "");
  CHECK(forbidden.feed("HTTP/1.1 403 Forbidden\r\n\r\n", out) == Status::Failed);
  CHECK(forbidden.errorKind() == Kind::Proxy);
  CHECK(forbidden.error() == "HTTP proxy refused CONNECT h:443: 403 Forbidden");

  HttpConnectHandshake garbage("h", 443, "", "");
  CHECK(garbage.feed("SSH-2.0-OpenSSH\r\n\r\n", out) == Status::Failed);
}
