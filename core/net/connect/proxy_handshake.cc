#include "core/net/connect/proxy_handshake.h"

#include "core/net/connect/http_connect_handshake.h"
#include "core/net/connect/socks5_handshake.h"

namespace relay {

std::unique_ptr<ProxyHandshake> makeProxyHandshake(const ProxyConfig& proxy,
                                                   const std::string& target_host,
                                                   uint16_t target_port, std::string& error) {
  if (proxy.type == "socks5") {
    if (target_host.size() > 255) {
      error = "target host name longer than 255 bytes cannot go through SOCKS5";
      return nullptr;
    }
    return std::make_unique<Socks5Handshake>(target_host, target_port, proxy.username,
                                             proxy.password);
  }
  if (proxy.type == "http") {
    return std::make_unique<HttpConnectHandshake>(target_host, target_port, proxy.username,
                                                  proxy.password);
  }
  error = "unsupported proxy type '" + proxy.type + "' (expected socks5 or http)";
  return nullptr;
}

}  // namespace relay
