// A model-list answer in the shape a client of each wire format expects.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "core/formats/wire_format.h"

namespace relay::formats {

// (id, display name) pairs, in the order the provider listed them.
using ModelEntries = std::vector<std::pair<std::string, std::string>>;

// The complete JSON body listing `models` for a client of `format`.
std::string renderModelList(WireFormat format, const ModelEntries& models);

}  // namespace relay::formats
