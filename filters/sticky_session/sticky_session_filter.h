// `sticky_session`: derives the session key (PROTOCOLS.md part B) and looks up the account the
// session is bound to; account_select honours it while that account is usable.
#pragma once

#include "core/chain/filter.h"

namespace relay {

std::unique_ptr<FilterFactory> buildStickySessionFilter(const FilterSpec& spec,
                                                        const ServerContext& server,
                                                        std::string* error);

}  // namespace relay
