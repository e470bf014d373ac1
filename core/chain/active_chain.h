// One request running through its route's filter chain; the FilterCallbacks of its filters.
#pragma once

#include <memory>
#include <vector>

#include "core/chain/filter.h"
#include "core/net/http_server_types.h"
#include "core/server_context.h"

namespace relay {

class ActiveChain final : public ActiveStream, public FilterCallbacks {
 public:
  ActiveChain(Request&& req, ResponseSink& sink, const ServerContext& server,
              WorkerContext& worker);
  ~ActiveChain() override;

  // ActiveStream
  void start() override;
  void onStreamFinished(const StreamStats& stats) override;

  // FilterCallbacks
  Request& request() override { return req_; }
  RequestState& state() override { return state_; }
  ResponseSink& response() override { return sink_; }
  uv_loop_t* loop() override { return worker_.loop; }
  const ServerContext& server() override { return server_; }
  WorkerContext& worker() override { return worker_; }
  void continueChain() override;
  bool restartFrom(std::string_view filter_name) override;
  const ChainTraits& traits() override { return state_.route->chain->traits(); }
  void sendLocalReply(int status, std::string_view content_type, std::string body) override;
  void sendError(int status, std::string_view message) override;

 private:
  void run();

  Request req_;
  ResponseSink& sink_;
  const ServerContext& server_;
  WorkerContext& worker_;
  RequestState state_;
  std::vector<std::unique_ptr<Filter>> filters_;
  size_t next_ = 0;
  bool running_ = false;  // inside run(): continueChain() just marks progress
  bool resume_ = false;
  bool jumped_ = false;  // restartFrom() inside a hook: do not advance
  bool finished_ = false;
};

}  // namespace relay
