// `failover: {max_attempts: 3, max_wait_seconds: 10}` — declares the chain's failover policy;
// the upstream filter acts on it (switching accounts only before the client got a byte).
#pragma once

#include "core/chain/filter.h"

namespace relay {

std::unique_ptr<FilterFactory> buildFailoverFilter(const FilterSpec& spec,
                                                   const ServerContext& server, std::string* error);

}  // namespace relay
