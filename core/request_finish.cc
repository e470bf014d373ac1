// Access log line and metrics for every finished request.
#include <uv.h>

#include "core/request_finish.h"

#include "core/chain/route_table.h"
#include "core/loop/clock.h"
#include "core/obs/access_log.h"
#include "core/obs/relay_metrics.h"
#include "core/server_context.h"
#include "core/store/usage_sink.h"

namespace relay {

namespace {

void recordUsage(WorkerContext& worker, const RequestState& state, int status) {
  if (worker.usage == nullptr || state.account_id.empty() || state.provider.empty()) return;
  store::UsageSample s;
  s.ts = unixTimeMs();
  s.key_id = state.key_id;
  s.account_id = state.account_id;
  s.provider = state.provider;
  s.model = state.usage.model.empty() ? state.model : state.usage.model;
  s.input_tokens = state.usage.input_tokens;
  s.output_tokens = state.usage.output_tokens;
  s.cache_creation_tokens = state.usage.cache_creation_tokens;
  s.cache_read_tokens = state.usage.cache_read_tokens;
  s.status = status;
  s.duration_ms = static_cast<int64_t>((uv_hrtime() - state.start_ns) / 1000000);
  worker.usage->record(s);
}

}  // namespace

void recordFinishedRequest(const ServerContext& /*server*/, WorkerContext& worker,
                           const Request& req, const RequestState& state,
                           const StreamStats& stats) {
  double seconds = static_cast<double>(uv_hrtime() - state.start_ns) / 1e9;
  // A client that left before any answer is logged as nginx does: 499.
  int status = stats.status != 0 ? stats.status : (stats.client_gone ? 499 : 0);
  std::string route =
      state.route ? state.route->path + (state.route->prefix ? "*" : "") : std::string("unmatched");
  relayMetrics().requestFinished(route, req.method, status, seconds, stats.bytes_sent);
  recordUsage(worker, state, status);
  if (!accessLogEnabled()) return;
  AccessLogEntry e;
  e.method = req.method;
  e.path = std::string(req.path());
  e.status = status;
  e.bytes_sent = stats.bytes_sent;
  e.duration_ms = seconds * 1000.0;
  e.account_id = state.account_id;
  e.key_id = state.key_id;
  e.route = state.route ? state.route->chain_name : "";
  writeAccessLog(e);
}

}  // namespace relay
