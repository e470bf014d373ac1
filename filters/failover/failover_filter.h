// `failover: {max_attempts: 3, max_wait_seconds: 10, cooldown_seconds: {...}}`: sits next to
// the terminal filter, so its response hook sees the provider's raw answer first. It applies
// the plugin's classify action to the account and, while nothing reached the client, asks the
// chain for a new attempt; otherwise it lets the answer through.
#pragma once

#include "core/chain/filter.h"

namespace relay {

std::unique_ptr<FilterFactory> buildFailoverFilter(const FilterSpec& spec,
                                                   const ServerContext& server, std::string* error);

}  // namespace relay
