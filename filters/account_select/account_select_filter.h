// Picks the account that serves the request among the route's providers; 503 in the
// client's format when none is usable.
#pragma once

#include "core/chain/filter.h"

namespace relay {

std::unique_ptr<FilterFactory> buildAccountSelectFilter(const FilterSpec& spec,
                                                        const ServerContext& server,
                                                        std::string* error);

}  // namespace relay
