// Reads model and stream from the request (body, or path for formats that put them there)
// and applies `model_map`.
#pragma once

#include "core/chain/filter.h"

namespace relay {

std::unique_ptr<FilterFactory> buildRouteFilter(const FilterSpec& spec, const ServerContext& server,
                                                std::string* error);

}  // namespace relay
