// libFuzzer target: the SOCKS5 and HTTP CONNECT reply parsers. The first byte picks the
// dialogue (bit 0: HTTP CONNECT, bit 1: with credentials); the rest is what the proxy sends,
// fed in pieces whose sizes come from the following bytes.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/net/connect/http_connect_handshake.h"
#include "core/net/connect/socks5_handshake.h"

using relay::ProxyHandshake;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const uint8_t mode = data[0];
  const uint8_t split = data[1];
  std::string_view in(reinterpret_cast<const char*>(data + 2), size - 2);
  const bool proxy_says_secret = in.find("secret") != std::string_view::npos;
  std::string user = (mode & 2) ? "user" : "";
  std::string pass = (mode & 2) ? "secret" : "";
  std::unique_ptr<ProxyHandshake> hs;
  if (mode & 1) {
    hs = std::make_unique<relay::HttpConnectHandshake>("api.example.com", 443, user, pass);
  } else {
    hs = std::make_unique<relay::Socks5Handshake>("api.example.com", 443, user, pass);
  }
  hs->start();
  std::string out;
  size_t piece = 1 + split % 17;
  while (!in.empty()) {
    std::string_view chunk = in.substr(0, piece);
    in.remove_prefix(chunk.size());
    ProxyHandshake::Status st = hs->feed(chunk, out);
    if (st == ProxyHandshake::Status::Failed) {
      if (hs->error().empty()) __builtin_trap();  // a failure always says why
      // Never the password (unless the proxy itself sent those bytes back).
      if (!proxy_says_secret && hs->error().find("secret") != std::string::npos) __builtin_trap();
      break;
    }
    if (st == ProxyHandshake::Status::Done) break;
  }
  return 0;
}
