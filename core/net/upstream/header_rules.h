// Which headers cross the relay/upstream boundary, in each direction.
#pragma once

#include <string>

#include "core/http/headers.h"
#include "core/net/upstream/upstream_url.h"

namespace relay {

// The most response-header bytes (names and values) accepted from an upstream; beyond it the
// response fails as a protocol error instead of growing a buffer the upstream controls.
inline constexpr size_t kMaxUpstreamHeaderBytes = 64 * 1024;

// The client's headers minus hop-by-hop, Host, Content-Length and Accept-Encoding, plus
// "accept-encoding: identity" (the relay reads bodies; it does not want to inflate them).
Headers requestHeadersForUpstream(const Headers& in);
// The same, in place (no copy of the headers that stay).
void cleanRequestHeadersForUpstream(Headers& headers);

// Why `method` or a header would corrupt the request head (a CR, LF or NUL in a value, a name
// or method that is not an HTTP token), or "" when all are safe to serialise. Values can come
// from plugins and config, so they are checked before any byte is sent.
std::string unsafeRequestHead(const std::string& method, const Headers& headers);

// HTTP/1.1 request head: request line, Host, the filtered headers, Content-Length.
std::string serializeHttp1Request(const std::string& method, const UpstreamUrl& url,
                                  const Headers& filtered, size_t body_size);
// The same, appended to `out`: a connection builds every head in a reused buffer.
void appendHttp1RequestHead(std::string& out, const std::string& method, const UpstreamUrl& url,
                            const Headers& filtered, size_t body_size);

// Removes hop-by-hop headers (and those named by Connection) from a response.
void stripResponseHopByHop(Headers& headers);

// True when the request method expects a body (so Content-Length: 0 is still sent).
bool methodHasBody(const std::string& method);

}  // namespace relay
