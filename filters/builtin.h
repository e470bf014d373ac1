#pragma once

#include "core/chain/filter_registry.h"

namespace relay {

// Registers every filter that ships with the relay.
void registerBuiltinFilters(FilterRegistry& registry);

}  // namespace relay
