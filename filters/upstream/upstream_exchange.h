// The per-request instance of `upstream`: one exchange with one account.
#pragma once

#include <memory>

#include "core/chain/filter.h"

namespace relay {

std::unique_ptr<Filter> makeUpstreamExchange(const ServerContext& server);

}  // namespace relay
