// One request running through its route's filter chain; the FilterCallbacks of its filters.
// Request hooks run in chain order; the answer runs back through the response hooks of the
// filters before the one that produced it, in reverse order, to the client. Filters from the
// chain's attempt start onward are recreated for every attempt.
//
// Per request nothing here goes to the heap in the common case: the chain object and its filters
// come from the worker's recycled blocks (recycled_blocks.h), and the chain's lists live in an
// arena inside the object.
#pragma once

#include <cstddef>
#include <memory>
#include <memory_resource>
#include <optional>
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
  RELAY_RECYCLED_STORAGE

  // ActiveStream
  void start() override;
  void onStreamFinished(const StreamStats& stats) override;

  // FilterCallbacks
  Request& request() override { return req_; }
  void setRequestBody(std::string body) override;
  RequestState& state() override { return state_; }
  ResponseSink& response() override { return sink_; }
  uv_loop_t* loop() override { return worker_.loop; }
  const ServerContext& server() override { return server_; }
  WorkerContext& worker() override { return worker_; }
  void continueChain() override;
  const ChainTraits& traits() override { return state_.route->chain->traits(); }
  void sendLocalReply(int status, std::string_view content_type, std::string body) override;
  void sendLocalReply(int status, std::string_view content_type, std::string body, Headers extra);
  void sendError(int status, std::string_view message) override;
  void sendErrorWithHeaders(int status, std::string_view message, const Headers& extra) override;
  void answerHeaders(ResponseHead head) override;
  bool answerData(std::string_view bytes) override;
  void answerEnd() override;
  void answerFailed(const AnswerFailure& failure) override;
  bool newAttempt(AttemptRequest how) override;
  void releaseRequestBody() override;

 private:
  // A transform's way on toward the client: the filters below it, then the sink.
  class Emitter final : public ResponseEmitter {
   public:
    Emitter(ActiveChain& chain, size_t index) : chain_(chain), index_(index) {}
    void headers(ResponseHead head) override { chain_.encodeHeaders(index_, std::move(head)); }
    void data(std::string_view bytes) override { chain_.encodeData(index_, bytes); }
    void end() override { chain_.encodeEnd(index_); }
    void fail(const AnswerFailure& f) override { chain_.encodeFailure(index_, f); }

   private:
    ActiveChain& chain_;
    size_t index_;
  };
  void run();
  // The error answers of start() and run(), out of line and apart from the request path.
  [[gnu::cold, gnu::noinline]] void answerNoRoute(RouteLookup why);
  [[gnu::cold, gnu::noinline]] void answerChainEndedEmpty();
  void startAttempt();
  static void onAttemptTimer(uv_timer_t* t);
  // The response path: filters below index `below`, in reverse order, then the client.
  void encodeHeaders(size_t below, ResponseHead head);
  void encodeData(size_t below, std::string_view bytes);
  void encodeEnd(size_t below);
  void encodeFailure(size_t below, const AnswerFailure& failure);
  void clientFailure(const AnswerFailure& failure);
  // Filter j's response role: asked once per answer (per attempt's filter), then kept.
  ResponseRole roleAt(size_t j) {
    uint8_t r = roles_[j];
    if (r == 0) [[unlikely]]
      r = askRole(j);
    return static_cast<ResponseRole>(r - 1);
  }
  uint8_t askRole(size_t j);
  // What waits for the answer's bytes to be handed to the client: the producer's onAnswerSent,
  // then the ends of the observers the answer passed after its last transform.
  void afterAnswerSent();

  // The per-request arena for the lists below; chains longer than it fits spill to the heap.
  static constexpr size_t kArenaBytes = 512;
  alignas(std::max_align_t) std::byte arena_bytes_[kArenaBytes];
  std::pmr::monotonic_buffer_resource arena_{arena_bytes_, kArenaBytes};

  Request req_;
  std::optional<RequestBody> original_body_;  // the client's body while an attempt rewrote it
  ResponseSink& sink_;
  const ServerContext& server_;
  WorkerContext& worker_;
  RequestState state_;
  std::pmr::vector<std::unique_ptr<Filter>> filters_{&arena_};
  std::pmr::vector<Emitter> emitters_{&arena_};  // one per filter: continues below it
  std::pmr::vector<uint8_t> roles_{&arena_};     // per filter: 0 not asked yet, else role + 1
  std::pmr::vector<std::unique_ptr<Filter>> retired_{&arena_};  // a dropped attempt's filters
  size_t next_ = 0;
  size_t responder_ = 0;  // the filter whose request hook is running or stopped
  bool running_ = false;  // inside run(): continueChain() just marks progress
  bool resume_ = false;
  bool finished_ = false;
  // The client's answer is an event stream (text/event-stream): a failure mid-answer can end it
  // with an error event. Any other body (JSON, a JSON array of chunks) just ends unterminated.
  bool event_stream_ = false;
  bool client_full_ = false;
  // Owed once the answer's bytes were handed to the client (afterAnswerSent).
  bool producer_owed_ = false;   // onAnswerSent of filters_[producer_]
  bool observers_owed_ = false;  // observeEnd(true) of the observers below end_below_
  size_t producer_ = 0;
  size_t end_below_ = 0;
  uv_timer_t* attempt_timer_ = nullptr;
};

}  // namespace relay
