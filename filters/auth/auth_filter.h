// Relay-key authentication: keys from `api_keys`, accepted from x-api-key, Authorization:
// Bearer, x-goog-api-key or ?key=; compared in constant time; an empty list disables it.
#pragma once

#include "core/chain/filter.h"

namespace relay {

std::unique_ptr<FilterFactory> buildAuthFilter(const FilterSpec& spec, const ServerContext& server,
                                               std::string* error);

}  // namespace relay
