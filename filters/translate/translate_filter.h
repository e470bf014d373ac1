// `translate: {from: <format>, to: <format>}` (or bare `translate`: the pair is inferred
// from the route's format and the formats the chosen account's provider serves natively). The
// plugin that declares the pair in `translations` converts the request body, and on the way
// back the streamed answer (incrementally), a whole answer and error bodies, to the client's
// format. Runs per attempt: every attempt translates the client's original body.
#pragma once

#include "core/chain/filter.h"

namespace relay {

std::unique_ptr<FilterFactory> buildTranslateFilter(const FilterSpec& spec,
                                                    const ServerContext& server,
                                                    std::string* error);

}  // namespace relay
