// A worker thread: its own uv loop, its own SO_REUSEPORT listener, its connections.
#pragma once

#include <uv.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <thread>

#include "core/loop/deferred_deleter.h"
#include "core/net/http_server_types.h"
#include "core/net/upstream/upstream_client.h"
#include "core/server_context.h"

namespace relay {

class Http1ServerConnection;

class Worker final : public ConnectionOwner, public RequestHandler {
 public:
  Worker(int index, const ServerContext& server, HttpServerLimits limits);
  ~Worker() override;

  // On the main thread, before start(): opens this worker's listener.
  bool listen(std::string* error);
  // The port the listener is bound to (what the kernel picked when the configured port is 0).
  uint16_t localPort() const;
  void start();
  // Thread-safe: stop accepting, finish in-flight requests, then stop (or force after timeout).
  void drain(uint64_t timeout_ms);
  void join();

  // ConnectionOwner
  const HttpServerLimits& limits() const override { return limits_; }
  RequestHandler& handler() override { return *this; }
  DeferredDeleter& deleter() override { return *deleter_; }
  bool draining() const override { return draining_; }
  void onConnectionClosed(Http1ServerConnection* conn) override;
  char* readBuffer(size_t* size) override;
  ReadBlock takeReadBlock() override;

  // RequestHandler
  std::unique_ptr<ActiveStream> createStream(Request&& req, ResponseSink& sink) override;

 private:
  static void onConnection(uv_stream_t* server, int status);
  static void onDrainSignal(uv_async_t* a);
  static void onDrainTimeout(uv_timer_t* t);
  void run();
  void beginDrain();
  void maybeStop();
  void stopLoop();

  int index_;
  const ServerContext& server_;
  HttpServerLimits limits_;
  uv_loop_t loop_;
  uv_tcp_t listener_;
  uv_async_t drain_async_;
  uv_timer_t drain_timer_;
  uv_prepare_t log_flush_;  // hands the iteration's access lines to the log thread
  int listen_fd_ = -1;
  std::unique_ptr<DeferredDeleter> deleter_;
  std::unique_ptr<UpstreamClient> upstream_;
  std::unique_ptr<store::WorkerUsage> usage_;
  WorkerContext context_;
  std::set<Http1ServerConnection*> connections_;
  std::set<Http1ServerConnection*> refused_;  // answered 503, closing (not in the budget)
  ReadBlock read_block_;  // taken on the loop's first read, and again after one is handed over
  std::atomic<uint64_t> drain_timeout_ms_{0};
  bool draining_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace relay
