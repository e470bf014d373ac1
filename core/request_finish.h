#pragma once

#include "core/chain/request_state.h"
#include "core/http/request.h"
#include "core/net/http_server_types.h"

namespace relay {

struct ServerContext;
struct WorkerContext;

// For a finished request that the chain's observer did not record (no route matched, the answer
// broke or never came): the access log line, the request metrics and the usage
// (filters/observe/exchange_record.h).
void recordFinishedRequest(const ServerContext& server, WorkerContext& worker, const Request& req,
                           const RequestState& state, const StreamStats& stats);

}  // namespace relay
