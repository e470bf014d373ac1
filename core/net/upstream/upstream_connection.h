// What the HTTP/1.1 and HTTP/2 codecs offer to the pool and to an exchange.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/http/headers.h"
#include "core/net/upstream/upstream_error.h"
#include "core/net/upstream/upstream_url.h"

namespace relay {

// A request ready for the wire: headers already filtered (header_rules.h).
struct OutgoingRequest {
  const std::string* method;
  const UpstreamUrl* url;
  const Headers* headers;
  std::string_view body;
};

// How a stream failed, as the codec saw it.
struct StreamFailure {
  UpstreamError::Kind kind = UpstreamError::Kind::Reset;
  std::string message;  // unattributed; the exchange prefixes account and URL
  // Nothing of this stream's response arrived, and the server cannot have acted on it
  // (REFUSED_STREAM / beyond GOAWAY) or the connection had already served a request.
  bool safe_to_retry = false;
};

// Receives one stream's response. Callbacks may cancel the stream (or destroy the exchange).
class StreamSink {
 public:
  virtual ~StreamSink() = default;
  virtual void onStreamHeaders(int status, Headers headers) = 0;
  virtual bool onStreamData(std::string_view bytes) = 0;  // false: pause until resumeStream()
  virtual void onStreamComplete() = 0;
  virtual void onStreamFailed(StreamFailure failure) = 0;
};

class UpstreamConnection {
 public:
  // The pool learns here when a connection becomes idle, gains capacity, or dies.
  class Owner {
   public:
    virtual ~Owner() = default;
    virtual void onConnectionAvailable(UpstreamConnection* conn) = 0;
    virtual void onConnectionClosed(UpstreamConnection* conn) = 0;
  };

  virtual ~UpstreamConnection() = default;
  virtual std::string_view protocol() const = 0;  // "h2" or "http/1.1"
  // True when startStream() may be called now.
  virtual bool hasCapacity() const = 0;
  virtual size_t activeStreams() const = 0;
  virtual bool isOpen() const = 0;
  // Returns a stream id (> 0) for resume/cancel; the sink then hears exactly one of
  // complete/failed unless cancelled.
  virtual uint32_t startStream(const OutgoingRequest& req, StreamSink* sink) = 0;
  virtual void resumeStream(uint32_t id) = 0;
  // True once the codec no longer reads the request's body memory (all of it was written or
  // copied into its own buffers); the caller may free it then.
  virtual bool requestSent(uint32_t id) const = 0;
  // No sink callbacks after this; the stream is reset (h2) or the connection closed (h1).
  virtual void cancelStream(uint32_t id) = 0;
  // Closes the connection; streams still open fail with `failure`-like reset errors.
  virtual void close() = 0;
};

}  // namespace relay
