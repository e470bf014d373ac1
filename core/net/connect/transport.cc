#include "core/net/connect/transport.h"

namespace relay {

const char* transportErrorKindName(TransportError::Kind kind) {
  switch (kind) {
    case TransportError::Kind::Dns:
      return "dns";
    case TransportError::Kind::Connect:
      return "connect";
    case TransportError::Kind::Proxy:
      return "proxy";
    case TransportError::Kind::ProxyAuth:
      return "proxy_auth";
    case TransportError::Kind::Tls:
      return "tls";
    case TransportError::Kind::Timeout:
      return "timeout";
    case TransportError::Kind::Reset:
      return "reset";
    case TransportError::Kind::Closed:
      return "closed";
  }
  return "unknown";
}

}  // namespace relay
