// HTTP CONNECT tunnel (RFC 9110 §9.3.6) with optional pre-emptive Basic proxy authentication.
#pragma once

#include "core/net/connect/proxy_handshake.h"

namespace relay {

class HttpConnectHandshake : public ProxyHandshake {
 public:
  HttpConnectHandshake(std::string target_host, uint16_t target_port, std::string username,
                       std::string password);
  std::string start() override;
  Status feed(std::string_view in, std::string& out) override;

  static constexpr size_t kMaxReplyHeaderBytes = 16 * 1024;

 private:
  Status onReplyHead(std::string_view head);

  std::string authority_;  // host:port, IPv6 in brackets
  std::string username_;
  std::string password_;
  std::string buffer_;
  bool done_ = false;
};

std::string base64Encode(std::string_view bytes);

}  // namespace relay
