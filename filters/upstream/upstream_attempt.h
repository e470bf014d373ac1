#pragma once

#include <memory>

#include "core/chain/filter.h"

namespace relay {

// The per-request instance of the upstream filter.
std::unique_ptr<Filter> makeUpstreamAttemptFilter(const ServerContext& server);

}  // namespace relay
