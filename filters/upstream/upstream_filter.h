// `upstream`: the terminal filter. One exchange with the account account_select chose: the
// model maps, the provider plugin's prepare (waiting for credentials when it asks), the upstream
// call, and the answer handed to the chain's response path (failover, translate, ... see it on
// the way back).
#pragma once

#include "core/chain/filter.h"

namespace relay {

std::unique_ptr<FilterFactory> buildUpstreamFilter(const FilterSpec& spec,
                                                   const ServerContext& server, std::string* error);

}  // namespace relay
