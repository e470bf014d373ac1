// Filters, Envoy style: a config-time factory, a per-request instance with request hooks (run in
// chain order) and response hooks (run in reverse order, from the filter that produced the
// answer back to the client), and callbacks through which an instance resumes the chain,
// answers, or asks for a new attempt.
#pragma once

#include <uv.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/chain/recycled_blocks.h"
#include "core/chain/request_state.h"
#include "core/config/config.h"
#include "core/http/request.h"
#include "core/http/response_sink.h"

namespace relay {

struct ServerContext;
struct WorkerContext;

enum class FilterStatus {
  Continue,  // go on with the next filter
  Stop,      // the filter will call continueChain() or answer later, on the same loop
};

// Where a filter may stand in a chain; checked when the chain is built from YAML.
enum class FilterPlacement {
  Request,       // anywhere before the terminal filter; runs once per request
  AttemptStart,  // begins the attempt: it and everything after it run once per attempt
  Attempt,       // only after an AttemptStart filter
  Terminal,      // last: produces the answer (e.g. the upstream exchange)
  Outermost,     // first: sees the request first and the answer last, as the client gets it
};

// Facts about a whole chain that its filters declare at config time.
struct ChainTraits {
  bool failover = false;  // a failover filter is present
  int max_attempts = 1;   // accounts tried per request
  int max_wait_ms = 10000;
  // The longest rest the host grants an account per failure class (the plugin proposes).
  int64_t unauthorized_cooldown_ms = 30 * 60 * 1000;    // permanent: credentials
  int64_t billing_cooldown_ms = 60 * 60 * 1000;         // permanent: billing
  int64_t overloaded_cooldown_ms = 5 * 60 * 1000;       // transient: overload
  int64_t server_error_cooldown_ms = 60 * 1000;         // transient: 5xx, transport
  int64_t rate_limit_max_cooldown_ms = 30 * 60 * 1000;  // a 429 that announces no reset
  // Outlier detection for transient failures (PROTOCOLS.md B).
  int consecutive_failures = 3;          // transient failures in a row that eject an account
  int64_t base_ejection_ms = 10 * 1000;  // the first ejection; doubles per ejection in a row
};

// The head of an answer travelling toward the client.
struct ResponseHead {
  int status = 0;
  Headers headers;                         // without content-length (see content_length)
  std::optional<uint64_t> content_length;  // kept by observers; a transform that changes the
                                           // body length must reset it (the client then gets
                                           // it chunked)
  bool local = false;  // rendered by the relay in the client's format (not a provider answer)
};

// Why an answer has no (complete) body: the upstream failed before or during it.
struct AnswerFailure {
  enum class Cause { Transport, Credentials };
  Cause cause = Cause::Transport;  // no HTTP answer, or no usable credentials to send with
  int status = 502;     // the status a client gets when nothing was sent yet (502/504/503)
  std::string message;  // for the client error and the account's last error; never a secret
  // Credentials: the refresh failed for good (the host already disabled the account); else the
  // failure is transient (e.g. the token endpoint is down).
  bool credentials_dead = false;
};

// What a transforming filter writes to: the next filter toward the client.
class ResponseEmitter {
 public:
  virtual ~ResponseEmitter() = default;
  virtual void headers(ResponseHead head) = 0;
  virtual void data(std::string_view bytes) = 0;
  virtual void end() = 0;
  // The answer broke: before headers the client gets a relay error for it; after them an error
  // event and an abnormal end.
  virtual void fail(const AnswerFailure& failure) = 0;
};

// How a new attempt starts (see FilterCallbacks::newAttempt).
struct AttemptRequest {
  uint64_t delay_ms = 0;
  std::string same_account;    // non-empty: serve the attempt with this account again
  bool force_refresh = false;  // refresh the account's credentials before sending
};

class FilterCallbacks {
 public:
  virtual ~FilterCallbacks() = default;
  // The request as the current attempt sees it (an attempt starts from the client's original).
  virtual Request& request() = 0;
  // Replaces the body for the rest of this attempt; the next attempt gets the original back.
  virtual void setRequestBody(std::string body) = 0;
  virtual RequestState& state() = 0;
  virtual ResponseSink& response() = 0;
  virtual uv_loop_t* loop() = 0;
  virtual const ServerContext& server() = 0;
  virtual WorkerContext& worker() = 0;
  // Resumes the chain after a filter returned Stop.
  virtual void continueChain() = 0;
  virtual const ChainTraits& traits() = 0;
  // Answers the request from the relay itself (through the response hooks of the filters
  // before the caller) and ends the chain.
  virtual void sendLocalReply(int status, std::string_view content_type, std::string body) = 0;
  // An error rendered in the route's (client's) wire format.
  virtual void sendError(int status, std::string_view message) = 0;
  // The same with extra headers (e.g. retry-after); by default they are dropped.
  virtual void sendErrorWithHeaders(int status, std::string_view message, const Headers& extra) {
    (void)extra;
    sendError(status, message);
  }

  // The terminal filter's answer, handed to the response hooks in reverse order.
  virtual void answerHeaders(ResponseHead head) = 0;
  // Returns false when the client is not keeping up: pause until response().onWritable.
  virtual bool answerData(std::string_view bytes) = 0;
  virtual void answerEnd() = 0;
  virtual void answerFailed(const AnswerFailure& failure) = 0;

  // Drops the current attempt (its filters are destroyed, and the callbacks they set on
  // response(): onClientGone, onWritable) and runs a new one from the attempt start on the loop,
  // after delay_ms, with the client's original request. Only while nothing reached the client.
  // Returns false (and does nothing) when the chain has no attempt start or bytes already left.
  virtual bool newAttempt(AttemptRequest how) = 0;
  // The upstream has the request body and the answer reached the client (so no attempt will
  // send it again): its memory is freed while a long answer streams. request().body is empty
  // afterwards. Does nothing before the response started.
  virtual void releaseRequestBody() {}
};

// What a filter does with the answer on its way back.
enum class ResponseRole {
  None,       // not called
  Observe,    // sees headers and bytes as they pass (borrowed; never copied by the chain)
  Transform,  // receives them and writes what the client should get to the emitter
};

class Filter {
 public:
  virtual ~Filter() = default;
  // Every request makes its filters anew: their storage is recycled on the worker.
  RELAY_RECYCLED_STORAGE
  virtual FilterStatus onRequest(FilterCallbacks& cb) = 0;

  // Asked once, when the answer's headers reach the filter; the role holds for the rest of the
  // answer (the chain keeps it).
  virtual ResponseRole responseRole() const { return ResponseRole::None; }

  // Observe.
  virtual void observeHeaders(FilterCallbacks&, const ResponseHead&) {}
  virtual void observeData(FilterCallbacks&, std::string_view) {}
  // complete == false: the answer failed (failure says why). An answer that ends with no
  // transform left below the observer has left for the client first: its end is observed once
  // its bytes were handed to the client's socket (or the client left meanwhile).
  virtual void observeEnd(FilterCallbacks&, bool /*complete*/) {}

  // Transform: pass on (now or later) through next. Defaults pass everything unchanged.
  virtual void transformHeaders(FilterCallbacks&, ResponseHead head, ResponseEmitter& next) {
    next.headers(std::move(head));
  }
  virtual void transformData(FilterCallbacks&, std::string_view bytes, ResponseEmitter& next) {
    next.data(bytes);
  }
  virtual void transformEnd(FilterCallbacks&, ResponseEmitter& next) { next.end(); }
  virtual void transformFailure(FilterCallbacks&, const AnswerFailure& f, ResponseEmitter& next) {
    next.fail(f);
  }

  // The answer this filter produced and ended (answerEnd) was handed to the client's socket, or
  // the client left meanwhile. Work that only observes the answer and need not delay its bytes
  // (a provider's usage tap) runs here; then the observers see the end and the request is
  // recorded (access log, metrics, usage). Not called for a dropped attempt's answer.
  virtual void onAnswerSent(FilterCallbacks&) {}

  // The request (or its attempt) is gone: cancel pending async work; the callbacks must not be
  // used after this.
  virtual void onDestroy() {}
};

class FilterFactory {
 public:
  virtual ~FilterFactory() = default;
  virtual std::unique_ptr<Filter> create() const = 0;
  virtual FilterPlacement placement() const { return FilterPlacement::Request; }
  // Declares what this filter means for the whole chain (e.g. the failover policy).
  virtual void contribute(ChainTraits&) const {}
};

// Builds a factory from its YAML; returns nullptr and sets *error to reject the config.
using FilterFactoryBuilder = std::function<std::unique_ptr<FilterFactory>(
    const FilterSpec& spec, const ServerContext& server, std::string* error)>;

}  // namespace relay
