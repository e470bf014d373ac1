// Which client wire formats a provider plugin serves natively (the 1.1 `formats` list; a
// plugin without one serves every format, as 1.0 hosts assumed).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/abi/relay_plugin.h"

namespace relay {

bool servesFormat(const relay_plugin_t& plugin, std::string_view format);
// The formats it declares, in its order; empty when it declares none (serves everything).
std::vector<std::string> nativeFormats(const relay_plugin_t& plugin);

}  // namespace relay
