// What the relay records about every finished exchange: the request metrics, the access log line
// and (when an account served it) the usage, added to the worker's ledger. Nothing here takes a
// lock: metric handles come from the thread's series cache, the access line goes to the worker's
// buffer and the usage to the worker's in-memory ledger.
#pragma once

#include <cstdint>

#include "core/chain/request_state.h"
#include "core/http/request.h"
#include "core/server_context.h"

namespace relay {

struct ExchangeOutcome {
  int status = 0;           // sent to the client; 499 when the client left before an answer
  uint64_t body_bytes = 0;  // response body bytes toward the client
  int upstream_status = 0;  // 0: unknown / not logged
};

void recordExchange(WorkerContext& worker, const Request& req, const RequestState& state,
                    const ExchangeOutcome& outcome);

}  // namespace relay
