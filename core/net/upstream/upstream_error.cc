#include "core/net/upstream/upstream_error.h"

namespace relay {

const char* upstreamErrorKindName(UpstreamError::Kind kind) {
  switch (kind) {
    case UpstreamError::Kind::Dns:
      return "dns";
    case UpstreamError::Kind::Connect:
      return "connect";
    case UpstreamError::Kind::Proxy:
      return "proxy";
    case UpstreamError::Kind::Tls:
      return "tls";
    case UpstreamError::Kind::TimeoutHeaders:
      return "timeout_headers";
    case UpstreamError::Kind::TimeoutIdle:
      return "timeout_idle";
    case UpstreamError::Kind::Reset:
      return "reset";
    case UpstreamError::Kind::Protocol:
      return "protocol";
  }
  return "unknown";
}

UpstreamError::Kind upstreamErrorKindFor(TransportError::Kind kind) {
  switch (kind) {
    case TransportError::Kind::Dns:
      return UpstreamError::Kind::Dns;
    case TransportError::Kind::Connect:
      return UpstreamError::Kind::Connect;
    case TransportError::Kind::Proxy:
    case TransportError::Kind::ProxyAuth:
      return UpstreamError::Kind::Proxy;
    case TransportError::Kind::Tls:
      return UpstreamError::Kind::Tls;
    // Transport timeouts are connect or handshake timeouts; the message says which.
    case TransportError::Kind::Timeout:
      return UpstreamError::Kind::Connect;
    case TransportError::Kind::Reset:
    case TransportError::Kind::Closed:
      return UpstreamError::Kind::Reset;
  }
  return UpstreamError::Kind::Reset;
}

}  // namespace relay
