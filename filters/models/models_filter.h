// `models`: answers a model-list request locally from the provider plugin's list, in the
// client's format (core/formats/model_list.h).
#pragma once

#include "core/chain/filter.h"

namespace relay {

std::unique_ptr<FilterFactory> buildModelsFilter(const FilterSpec& spec,
                                                 const ServerContext& server, std::string* error);

}  // namespace relay
