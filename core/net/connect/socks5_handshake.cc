#include "core/net/connect/socks5_handshake.h"

#include <arpa/inet.h>

#include <cstdio>
#include <utility>

namespace relay {

namespace {
constexpr uint8_t kVersion = 0x05;
constexpr uint8_t kAuthVersion = 0x01;  // RFC 1929 sub-negotiation, not 0x05
constexpr uint8_t kMethodNone = 0x00;
constexpr uint8_t kMethodUserPass = 0x02;
constexpr uint8_t kMethodRejected = 0xff;
constexpr uint8_t kCmdConnect = 0x01;
constexpr uint8_t kAtypIpv4 = 0x01;
constexpr uint8_t kAtypDomain = 0x03;
constexpr uint8_t kAtypIpv6 = 0x04;
using Kind = TransportError::Kind;
}  // namespace

std::string socks5ReplyText(uint8_t code) {
  static const char* const kTexts[] = {
      "succeeded",           "general failure",       "not allowed by ruleset",
      "network unreachable", "host unreachable",      "connection refused",
      "TTL expired",         "command not supported", "address type not supported"};
  char hex[8];
  std::snprintf(hex, sizeof hex, "%02x", code);
  std::string text = code < 9 ? kTexts[code] : "unknown reply";
  return text + " (" + hex + ")";
}

Socks5Handshake::Socks5Handshake(std::string target_host, uint16_t target_port,
                                 std::string username, std::string password)
    : host_(std::move(target_host)),
      port_(target_port),
      username_(std::move(username)),
      password_(std::move(password)) {}

std::string Socks5Handshake::start() {
  if (hasCredentials()) return {char(kVersion), 2, char(kMethodNone), char(kMethodUserPass)};
  return {char(kVersion), 1, char(kMethodNone)};
}

ProxyHandshake::Status Socks5Handshake::feed(std::string_view in, std::string& out) {
  buffer_.append(in);
  for (;;) {
    Status status = Status::NeedMore;
    Step before = step_;
    switch (step_) {
      case Step::Method:
        status = onMethod(out);
        break;
      case Step::Auth:
        status = onAuth(out);
        break;
      case Step::Reply:
        status = onReply();
        break;
      case Step::Done:
        return Status::Done;
    }
    if (status != Status::NeedMore || step_ == before) return status;
  }
}

ProxyHandshake::Status Socks5Handshake::onMethod(std::string& out) {
  if (buffer_.size() < 2) return Status::NeedMore;
  uint8_t version = uint8_t(buffer_[0]);
  uint8_t method = uint8_t(buffer_[1]);
  buffer_.erase(0, 2);
  if (version != kVersion) return fail(Kind::Proxy, "not a SOCKS5 proxy (bad version byte)");
  if (method == kMethodRejected) {
    return fail(Kind::ProxyAuth, hasCredentials()
                                     ? "SOCKS5 proxy accepted no offered authentication method"
                                     : "SOCKS5 proxy requires authentication but no "
                                       "username/password is configured");
  }
  if (method == kMethodNone) {
    out += connectRequest();
    step_ = Step::Reply;
    return Status::NeedMore;
  }
  if (method != kMethodUserPass || !hasCredentials()) {
    return fail(Kind::Proxy, "SOCKS5 proxy chose an authentication method that was not offered");
  }
  if (username_.size() > 255 || password_.size() > 255) {
    return fail(Kind::ProxyAuth, "SOCKS5 username or password longer than 255 bytes");
  }
  out += char(kAuthVersion);
  out += char(username_.size());
  out += username_;
  out += char(password_.size());
  out += password_;
  step_ = Step::Auth;
  return Status::NeedMore;
}

ProxyHandshake::Status Socks5Handshake::onAuth(std::string& out) {
  if (buffer_.size() < 2) return Status::NeedMore;
  uint8_t status = uint8_t(buffer_[1]);
  buffer_.erase(0, 2);
  if (status != 0) return fail(Kind::ProxyAuth, "SOCKS5 authentication rejected");
  out += connectRequest();
  step_ = Step::Reply;
  return Status::NeedMore;
}

std::string Socks5Handshake::connectRequest() const {
  std::string req = {char(kVersion), char(kCmdConnect), 0};
  unsigned char ip[16];
  if (inet_pton(AF_INET, host_.c_str(), ip) == 1) {
    req += char(kAtypIpv4);
    req.append(reinterpret_cast<char*>(ip), 4);
  } else if (inet_pton(AF_INET6, host_.c_str(), ip) == 1) {
    req += char(kAtypIpv6);
    req.append(reinterpret_cast<char*>(ip), 16);
  } else {
    req += char(kAtypDomain);
    req += char(host_.size());  // length checked by the factory
    req += host_;
  }
  req += char(port_ >> 8);
  req += char(port_ & 0xff);
  return req;
}

ProxyHandshake::Status Socks5Handshake::onReply() {
  if (buffer_.size() < 5) return Status::NeedMore;
  if (uint8_t(buffer_[0]) != kVersion) return fail(Kind::Proxy, "not a SOCKS5 reply");
  uint8_t rep = uint8_t(buffer_[1]);
  if (rep != 0) {
    return fail(Kind::Proxy, "SOCKS5 connect to " + host_ + ":" + std::to_string(port_) +
                                 " failed: " + socks5ReplyText(rep));
  }
  size_t addr_len = 0;
  switch (uint8_t(buffer_[3])) {
    case kAtypIpv4:
      addr_len = 4;
      break;
    case kAtypIpv6:
      addr_len = 16;
      break;
    case kAtypDomain:
      addr_len = 1 + uint8_t(buffer_[4]);
      break;
    default:
      return fail(Kind::Proxy, "SOCKS5 reply has an unknown address type");
  }
  size_t total = 4 + addr_len + 2;  // VER REP RSV ATYP, BND.ADDR, BND.PORT
  if (buffer_.size() < total) return Status::NeedMore;
  leftover_ = buffer_.substr(total);
  buffer_.clear();
  step_ = Step::Done;
  return Status::Done;
}

}  // namespace relay
