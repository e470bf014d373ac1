#include "core/net/connect/http_connect_handshake.h"

#include <openssl/evp.h>

#include <utility>

namespace relay {

using Kind = TransportError::Kind;

std::string base64Encode(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(bytes.data()),
                          static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

HttpConnectHandshake::HttpConnectHandshake(std::string target_host, uint16_t target_port,
                                           std::string username, std::string password)
    : username_(std::move(username)), password_(std::move(password)) {
  bool ipv6 = target_host.find(':') != std::string::npos;
  authority_ = (ipv6 ? "[" + target_host + "]" : target_host) + ":" + std::to_string(target_port);
}

std::string HttpConnectHandshake::start() {
  std::string req = "CONNECT " + authority_ + " HTTP/1.1\r\nHost: " + authority_ + "\r\n";
  if (!username_.empty() || !password_.empty()) {
    req += "Proxy-Authorization: Basic " + base64Encode(username_ + ":" + password_) + "\r\n";
  }
  req += "\r\n";
  return req;
}

ProxyHandshake::Status HttpConnectHandshake::feed(std::string_view in, std::string&) {
  if (done_) return Status::Done;
  buffer_.append(in);
  size_t end = buffer_.find("\r\n\r\n");
  if (end == std::string::npos) {
    if (buffer_.size() > kMaxReplyHeaderBytes) {
      return fail(Kind::Proxy, "HTTP proxy reply header exceeds 16 KiB");
    }
    return Status::NeedMore;
  }
  Status status = onReplyHead(std::string_view(buffer_).substr(0, end));
  if (status == Status::Done) {
    leftover_ = buffer_.substr(end + 4);  // already part of the tunnel
    buffer_.clear();
    done_ = true;
  }
  return status;
}

ProxyHandshake::Status HttpConnectHandshake::onReplyHead(std::string_view head) {
  std::string_view line = head.substr(0, head.find("\r\n"));
  // "HTTP/1.1 200 Connection established"
  if (line.size() < 12 || line.substr(0, 5) != "HTTP/" || line[8] != ' ') {
    return fail(Kind::Proxy, "HTTP proxy sent a malformed reply to CONNECT");
  }
  std::string_view code = line.substr(9, 3);
  for (char c : code) {
    if (c < '0' || c > '9') return fail(Kind::Proxy, "HTTP proxy sent a malformed status line");
  }
  std::string status(line.substr(9));
  if (code[0] == '2') return Status::Done;
  std::string what = "HTTP proxy refused CONNECT " + authority_ + ": " + status;
  // 407 is the standard answer; some proxies (tinyproxy) answer wrong credentials with 401.
  if (code == "407" || code == "401") {
    bool creds = !username_.empty() || !password_.empty();
    return fail(Kind::ProxyAuth,
                what + (creds ? " (credentials rejected)" : " (no username/password configured)"));
  }
  return fail(Kind::Proxy, what);
}

}  // namespace relay
