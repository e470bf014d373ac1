// Requests the chain's observer did not record (no route matched, the answer broke, the client
// left before it ended): recorded when the stream finishes, from what the stream sent.
#include "core/request_finish.h"

#include "core/server_context.h"
#include "filters/observe/exchange_record.h"

namespace relay {

void recordFinishedRequest(const ServerContext& /*server*/, WorkerContext& worker,
                           const Request& req, const RequestState& state,
                           const StreamStats& stats) {
  if (state.observed) return;  // the chain's observer filter recorded it
  ExchangeOutcome outcome;
  // A client that left before any answer is logged as nginx does: 499.
  outcome.status = stats.status != 0 ? stats.status : (stats.client_gone ? 499 : 0);
  outcome.body_bytes = stats.bytes_sent;
  recordExchange(worker, req, state, outcome);
}

}  // namespace relay
