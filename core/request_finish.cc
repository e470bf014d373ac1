// Access log line and metrics for every finished request.
#include <uv.h>

#include "core/request_finish.h"

#include "core/chain/route_table.h"
#include "core/loop/clock.h"
#include "core/obs/access_log.h"
#include "core/obs/relay_metrics.h"
#include "core/server_context.h"
#include "core/store/usage_repo.h"

namespace relay {

namespace {

void recordUsage(const ServerContext& server, const RequestState& state, int status) {
  if (!server.store || state.account_id.empty() || state.provider.empty()) return;
  store::UsageRecord r;
  r.ts = unixTimeMs();
  r.key_id = state.key_id;
  r.account_id = state.account_id;
  r.provider = state.provider;
  r.model = state.usage.model.empty() ? state.model : state.usage.model;
  r.input_tokens = state.usage.input_tokens;
  r.output_tokens = state.usage.output_tokens;
  r.cache_creation_tokens = state.usage.cache_creation_tokens;
  r.cache_read_tokens = state.usage.cache_read_tokens;
  r.status = status;
  r.duration_ms = static_cast<int64_t>((uv_hrtime() - state.start_ns) / 1000000);
  server.store->post([r](sqlite3* db) { store::UsageRepo::insert(db, r); });
}

}  // namespace

void recordFinishedRequest(const ServerContext& server, const Request& req,
                           const RequestState& state, const StreamStats& stats) {
  double seconds = static_cast<double>(uv_hrtime() - state.start_ns) / 1e9;
  // A client that left before any answer is logged as nginx does: 499.
  int status = stats.status != 0 ? stats.status : (stats.client_gone ? 499 : 0);
  std::string route =
      state.route ? state.route->path + (state.route->prefix ? "*" : "") : std::string("unmatched");
  relayMetrics().requestFinished(route, req.method, status, seconds, stats.bytes_sent);
  recordUsage(server, state, status);
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
