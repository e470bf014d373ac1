// `upstream`: sends the request to the selected account through its provider plugin
// (prepare -> upstream client -> classify -> response transform), refreshing credentials when
// the plugin asks, and failing over to another account while nothing reached the client.
#pragma once

#include "core/chain/filter.h"

namespace relay {

std::unique_ptr<FilterFactory> buildUpstreamFilter(const FilterSpec& spec,
                                                   const ServerContext& server, std::string* error);

}  // namespace relay
