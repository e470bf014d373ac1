// Relay-key authentication: keys from `api_keys`, accepted wherever a client of any wire format
// puts its key (core/formats/client_key.h); compared in constant time; an empty list disables it.
#pragma once

#include "core/chain/filter.h"

namespace relay {

std::unique_ptr<FilterFactory> buildAuthFilter(const FilterSpec& spec, const ServerContext& server,
                                               std::string* error);

}  // namespace relay
