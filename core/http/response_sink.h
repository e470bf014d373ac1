// Where a response goes: the downstream codec implements it; filters and the upstream
// client write to it. Writes are non-blocking; `write` returns false once the sink's
// buffer is above its high-water mark, and the writer should pause until `onWritable`.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>

#include "core/http/headers.h"

namespace relay {

class ResponseSink {
 public:
  virtual ~ResponseSink() = default;

  // Starts the response. With a content length the body is sent as-is; without one it
  // is sent chunked (HTTP/1.1). Called at most once.
  virtual void begin(int status, const Headers& headers,
                     std::optional<uint64_t> content_length) = 0;
  // Queues body bytes. Returns false when the caller should pause (backpressure).
  virtual bool write(std::string_view bytes) = 0;
  // Ends the response normally.
  virtual void end() = 0;
  // Ends the response abnormally: the connection is closed without a clean terminator.
  virtual void abort() = 0;

  virtual bool started() const = 0;
  // The client went away; writes are dropped.
  virtual bool closed() const = 0;
  // Called once when a paused writer may write again.
  virtual void onWritable(std::function<void()> cb) = 0;
  // Called once if the client disconnects before the response ends.
  virtual void onClientGone(std::function<void()> cb) = 0;
};

}  // namespace relay
