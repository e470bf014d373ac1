// Reads model and stream from the request (body or Gemini path) and applies `model_map`.
#pragma once

#include "core/chain/filter.h"

namespace relay {

std::unique_ptr<FilterFactory> buildRouteFilter(const FilterSpec& spec, const ServerContext& server,
                                                std::string* error);

}  // namespace relay
