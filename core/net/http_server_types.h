// What the downstream HTTP codec needs from the server around it, and gives back.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "core/http/request.h"
#include "core/http/response_sink.h"
#include "core/loop/deferred_deleter.h"
#include "core/net/connection_budget.h"

namespace relay {

struct HttpServerLimits {
  size_t max_header_bytes = 64 * 1024;
  size_t max_request_bytes = 32u * 1024 * 1024;
  uint64_t header_timeout_ms = 30000;
  uint64_t idle_timeout_ms = 75000;
  uint64_t body_idle_timeout_ms = 300000;  // longest silence inside a request body -> 408
  size_t write_high_water = 1024 * 1024;
  // Shared by every worker; null: no limit.
  std::shared_ptr<ConnectionBudget> connections;
};

struct StreamStats {
  int status = 0;
  uint64_t bytes_sent = 0;  // body bytes
  bool completed = false;   // the response ended normally
  bool client_gone = false;
};

// One request being served; owned by the connection, deleted on a later loop iteration.
class ActiveStream : public Deletable {
 public:
  // Runs the request. May answer synchronously through the sink.
  virtual void start() = 0;
  // Called exactly once: after the response ended, was aborted, or the client went away.
  // The sink must not be used from here on.
  virtual void onStreamFinished(const StreamStats& stats) = 0;
};

class RequestHandler {
 public:
  virtual ~RequestHandler() = default;
  virtual std::unique_ptr<ActiveStream> createStream(Request&& req, ResponseSink& sink) = 0;
};

class Http1ServerConnection;

// The worker that owns connections.
class ConnectionOwner {
 public:
  virtual ~ConnectionOwner() = default;
  virtual const HttpServerLimits& limits() const = 0;
  virtual RequestHandler& handler() = 0;
  virtual DeferredDeleter& deleter() = 0;
  virtual bool draining() const = 0;
  virtual void onConnectionClosed(Http1ServerConnection* conn) = 0;
  // A shared read buffer: connections parse synchronously and copy what they keep, except a
  // request body that arrived whole in one read, for which they take the block (below).
  virtual char* readBuffer(size_t* size) = 0;
  // The block readBuffer() last returned, handed to a request whose body lies in it; the next
  // readBuffer() returns another. An empty block: this owner lends no blocks (the body is copied).
  virtual ReadBlock takeReadBlock() { return {}; }
};

}  // namespace relay
