// Why an upstream exchange failed, in terms a failover policy can act on.
#pragma once

#include <string>

#include "core/net/connect/transport.h"

namespace relay {

struct UpstreamError {
  enum class Kind { Dns, Connect, Proxy, Tls, TimeoutHeaders, TimeoutIdle, Reset, Protocol };
  Kind kind = Kind::Reset;
  // Attributed ("account a1: POST https://api.example.com/v1/messages: ..."); never a secret,
  // never the query string.
  std::string message;
  // True once onResponseHeaders() ran: the response can no longer be retried transparently.
  bool response_started = false;
};

const char* upstreamErrorKindName(UpstreamError::Kind kind);
UpstreamError::Kind upstreamErrorKindFor(TransportError::Kind kind);

}  // namespace relay
