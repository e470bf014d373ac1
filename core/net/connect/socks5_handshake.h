// SOCKS5 CONNECT (RFC 1928) with optional username/password (RFC 1929). The target is sent as
// a host name (ATYP 3) so the proxy resolves it; IP literals go as ATYP 1 / 4.
#pragma once

#include "core/net/connect/proxy_handshake.h"

namespace relay {

class Socks5Handshake : public ProxyHandshake {
 public:
  Socks5Handshake(std::string target_host, uint16_t target_port, std::string username,
                  std::string password);
  std::string start() override;
  Status feed(std::string_view in, std::string& out) override;

 private:
  enum class Step { Method, Auth, Reply, Done };
  Status onMethod(std::string& out);
  Status onAuth(std::string& out);
  Status onReply();
  std::string connectRequest() const;
  bool hasCredentials() const { return !username_.empty() || !password_.empty(); }

  std::string host_;
  uint16_t port_;
  std::string username_;
  std::string password_;
  Step step_ = Step::Method;
  std::string buffer_;
};

// "connection refused (05)" for a SOCKS5 reply code.
std::string socks5ReplyText(uint8_t code);

}  // namespace relay
