#include "filters/observe/exchange_record.h"

#include <uv.h>

#include "core/chain/route_table.h"
#include "core/loop/clock.h"
#include "core/obs/access_log.h"
#include "core/obs/relay_metrics.h"
#include "core/store/usage_sink.h"

namespace relay {

namespace {

void recordUsage(WorkerContext& worker, const RequestState& state, int status,
                 uint64_t elapsed_ns) {
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
  s.duration_ms = static_cast<int64_t>(elapsed_ns / 1000000);
  worker.usage->record(s);
}

}  // namespace

void recordExchange(WorkerContext& worker, const Request& req, const RequestState& state,
                    const ExchangeOutcome& outcome) {
  uint64_t elapsed_ns = uv_hrtime() - state.start_ns;
  double seconds = static_cast<double>(elapsed_ns) / 1e9;
  std::string_view route = state.route ? std::string_view(state.route->label) : "unmatched";
  relayMetrics().requestFinished(route, req.method, outcome.status, seconds, outcome.body_bytes);
  recordUsage(worker, state, outcome.status, elapsed_ns);
  if (!accessLogEnabled()) return;
  AccessLogEntry e;
  e.method = req.method;
  e.path = req.path();
  e.status = outcome.status;
  e.bytes_sent = outcome.body_bytes;
  e.duration_ms = seconds * 1000.0;
  e.account_id = state.account_id;
  e.key_id = state.key_id;
  if (state.route) e.route = state.route->chain_name;
  e.upstream_status = outcome.upstream_status;
  writeAccessLog(e);
}

}  // namespace relay
