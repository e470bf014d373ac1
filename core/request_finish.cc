// Access log line and metrics for every finished request.
#include <uv.h>

#include "core/request_finish.h"

#include "core/chain/route_table.h"
#include "core/obs/access_log.h"
#include "core/obs/relay_metrics.h"

namespace relay {

void recordFinishedRequest(const Request& req, const RequestState& state,
                           const StreamStats& stats) {
  double seconds = static_cast<double>(uv_hrtime() - state.start_ns) / 1e9;
  // A client that left before any answer is logged as nginx does: 499.
  int status = stats.status != 0 ? stats.status : (stats.client_gone ? 499 : 0);
  std::string route =
      state.route ? state.route->path + (state.route->prefix ? "*" : "") : std::string("unmatched");
  relayMetrics().requestFinished(route, req.method, status, seconds, stats.bytes_sent);
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
