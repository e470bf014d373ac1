// Filters, Envoy style: a config-time factory, a per-request instance whose hooks return a
// status, and callbacks through which an instance resumes the chain or answers locally.
#pragma once

#include <uv.h>

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "core/chain/request_state.h"
#include "core/config/config.h"
#include "core/http/request.h"
#include "core/http/response_sink.h"

namespace relay {

struct ServerContext;
struct WorkerContext;

enum class FilterStatus {
  Continue,  // go on with the next filter
  Stop,      // the filter will call continueChain() or reply later, on the same loop
};

// Facts about a whole chain that its filters declare at config time.
struct ChainTraits {
  bool failover = false;  // a failover filter is present
  int max_attempts = 1;   // accounts tried per request
  int max_wait_ms = 10000;
  // How long an account rests after each kind of failure (PROTOCOLS.md part B defaults).
  int64_t unauthorized_cooldown_ms = 30 * 60 * 1000;
  int64_t billing_cooldown_ms = 60 * 60 * 1000;
  int64_t overloaded_cooldown_ms = 5 * 60 * 1000;
  int64_t server_error_cooldown_ms = 60 * 1000;
  int64_t rate_limit_max_cooldown_ms = 30 * 60 * 1000;
};

class FilterCallbacks {
 public:
  virtual ~FilterCallbacks() = default;
  virtual Request& request() = 0;
  virtual RequestState& state() = 0;
  virtual ResponseSink& response() = 0;
  virtual uv_loop_t* loop() = 0;
  virtual const ServerContext& server() = 0;
  virtual WorkerContext& worker() = 0;
  // Resumes the chain after a filter returned Stop.
  virtual void continueChain() = 0;
  // Runs the chain again from the first filter with that name (failover re-enters account
  // selection); returns false when the chain has no such filter.
  virtual bool restartFrom(std::string_view filter_name) = 0;
  virtual const ChainTraits& traits() = 0;
  // Answers the request from the relay itself and ends the chain.
  virtual void sendLocalReply(int status, std::string_view content_type, std::string body) = 0;
  // An error rendered in the route's wire format.
  virtual void sendError(int status, std::string_view message) = 0;
};

class Filter {
 public:
  virtual ~Filter() = default;
  virtual FilterStatus onRequest(FilterCallbacks& cb) = 0;
  // The request is gone (finished or client disconnected): cancel pending async work;
  // the callbacks must not be used after this.
  virtual void onDestroy() {}
};

class FilterFactory {
 public:
  virtual ~FilterFactory() = default;
  virtual std::unique_ptr<Filter> create() const = 0;
  // Declares what this filter means for the whole chain (e.g. the failover policy).
  virtual void contribute(ChainTraits&) const {}
};

// Builds a factory from its YAML; returns nullptr and sets *error to reject the config.
using FilterFactoryBuilder = std::function<std::unique_ptr<FilterFactory>(
    const FilterSpec& spec, const ServerContext& server, std::string* error)>;

}  // namespace relay
