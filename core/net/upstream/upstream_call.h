// The consumer side of one upstream exchange: a handler for the response, a handle to steer it.
#pragma once

#include <string_view>

#include "core/http/headers.h"
#include "core/net/upstream/upstream_error.h"

namespace relay {

// Callbacks arrive on the client's loop. After onResponseComplete() or onResponseError() no
// further callback comes. The handler may destroy or cancel the UpstreamCall inside any callback.
class UpstreamResponseHandler {
 public:
  virtual ~UpstreamResponseHandler() = default;
  // Hop-by-hop headers removed; if the body is decoded, content-encoding/-length are removed too.
  virtual void onResponseHeaders(int status, Headers headers) = 0;
  // Returns false to pause: the bytes were taken, but no more come until UpstreamCall::resume().
  virtual bool onResponseData(std::string_view bytes) = 0;
  virtual void onResponseComplete() = 0;
  virtual void onResponseError(const UpstreamError& error) = 0;
};

// Destroying the call cancels it (as cancel()).
class UpstreamCall {
 public:
  virtual ~UpstreamCall() = default;
  virtual void resume() = 0;
  // Stops at once, with no further handler callback: RST_STREAM on HTTP/2, closes the
  // connection on HTTP/1.1.
  virtual void cancel() = 0;
  // "h2" or "http/1.1" once a connection was chosen, else "".
  virtual std::string_view protocol() const = 0;
  // True once the response started and the request body is no longer needed: it was sent (or
  // copied by the codec) and an answered request is never retried. The caller may then free
  // the body memory it lent (UpstreamRequest::body_ref).
  virtual bool requestBodyReleased() const { return false; }
};

}  // namespace relay
