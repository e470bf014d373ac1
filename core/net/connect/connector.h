// Starts outbound connections: DNS, TCP, optional SOCKS5 / HTTP CONNECT proxy, optional TLS.
#pragma once

#include <uv.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/config/config.h"
#include "core/net/connect/dns_cache.h"
#include "core/net/connect/transport.h"

namespace relay {

struct ConnectOptions {
  std::string host;  // target host name or IP literal
  uint16_t port = 443;
  bool tls = true;
  std::string sni;  // default: host
  std::vector<std::string> alpn = {"h2", "http/1.1"};
  std::string ca_file;               // extra/private CA (PEM); system store always loaded too
  std::optional<ProxyConfig> proxy;  // from core/config/config.h
  int connect_timeout_ms = 10000;    // per resolved address
  int handshake_timeout_ms = 10000;  // TLS and proxy handshakes
  std::string account_id;            // for error attribution only
};

// Starts an asynchronous connect. Exactly one of the callback's arguments is set, on `loop`.
// The returned handle cancels the attempt when destroyed/cancel()ed before completion
// (the callback is then never called).
class ConnectAttempt {
 public:
  virtual ~ConnectAttempt() = default;
  virtual void cancel() = 0;
};
using ConnectCallback =
    std::function<void(std::unique_ptr<Transport>, std::optional<TransportError>)>;
// The callback is never called before connectTransport() returns.
std::unique_ptr<ConnectAttempt> connectTransport(uv_loop_t* loop, DnsCache& dns,
                                                 const ConnectOptions& opts, ConnectCallback done);

}  // namespace relay
