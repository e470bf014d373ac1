// Which providers may serve a route: the route's `providers` when it names them, otherwise every
// loaded provider plugin that serves requests (has prepare) in the route's format, natively
// (its `formats`) or through a translation some loaded plugin declares.
#pragma once

#include <string>
#include <vector>

#include "core/chain/request_state.h"

namespace relay {

struct ServerContext;

std::vector<std::string> servingProviders(const ServerContext& server, const RequestState& state);

}  // namespace relay
