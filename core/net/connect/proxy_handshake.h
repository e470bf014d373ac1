// The byte-level dialogue that opens a tunnel through a proxy (no sockets: fed and drained by
// the connect attempt, unit-testable on its own).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/config/config.h"
#include "core/net/connect/transport.h"

namespace relay {

class ProxyHandshake {
 public:
  enum class Status { NeedMore, Done, Failed };

  virtual ~ProxyHandshake() = default;
  // The first bytes to send.
  virtual std::string start() = 0;
  // Consumes bytes from the proxy; appends any reply to `out`. On Done, leftover() holds bytes
  // that arrived past the proxy's reply and belong to the tunnel.
  virtual Status feed(std::string_view in, std::string& out) = 0;

  const std::string& leftover() const { return leftover_; }
  // Set on Failed (or when start() cannot build a request): why, without any secret.
  const std::string& error() const { return error_; }
  TransportError::Kind errorKind() const { return error_kind_; }

 protected:
  Status fail(TransportError::Kind kind, std::string message) {
    error_kind_ = kind;
    error_ = std::move(message);
    return Status::Failed;
  }

  std::string leftover_;
  std::string error_;
  TransportError::Kind error_kind_ = TransportError::Kind::Proxy;
};

// SOCKS5 (RFC 1928) or HTTP CONNECT per `proxy.type`; null with `error` set for another type.
std::unique_ptr<ProxyHandshake> makeProxyHandshake(const ProxyConfig& proxy,
                                                   const std::string& target_host,
                                                   uint16_t target_port, std::string& error);

}  // namespace relay
