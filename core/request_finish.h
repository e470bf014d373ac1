#pragma once

#include "core/chain/request_state.h"
#include "core/http/request.h"
#include "core/net/http_server_types.h"

namespace relay {

struct ServerContext;

// For a finished request: the access log line, the request metrics, and (when an account
// served it) the usage record with the tokens the provider's response observer reported.
void recordFinishedRequest(const ServerContext& server, const Request& req,
                           const RequestState& state, const StreamStats& stats);

}  // namespace relay
