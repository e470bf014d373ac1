#pragma once

#include "core/chain/request_state.h"
#include "core/http/request.h"
#include "core/net/http_server_types.h"

namespace relay {

struct ServerContext;
struct WorkerContext;

// For a finished request: the access log line, the request metrics, and (when an account
// served it) the tokens the provider's response observer reported, added to the worker's usage
// ledger (no store write per request).
void recordFinishedRequest(const ServerContext& server, WorkerContext& worker, const Request& req,
                           const RequestState& state, const StreamStats& stats);

}  // namespace relay
