#pragma once

#include "core/chain/request_state.h"
#include "core/http/request.h"
#include "core/net/http_server_types.h"

namespace relay {

// Access log line and metrics for a finished request.
void recordFinishedRequest(const Request& req, const RequestState& state, const StreamStats& stats);

}  // namespace relay
