// Pieces of account configuration that other sections share: an outbound `proxy:` block and
// an account-style identifier. Both throw ConfigError worded like every other config error.
#pragma once

#include <optional>
#include <string>

#include "core/config/config.h"
#include "core/config/yaml_reader.h"

namespace relay {

// `proxy: {type: socks5|http, host, port, username, password}` under `parent`; nullopt when
// absent or null.
std::optional<ProxyConfig> readProxySection(const MapReader& parent);

// A non-empty identifier of letters, digits and - _ . : @ (account ids, proxy route names).
void readIdentifier(const MapReader& r, std::string_view key, std::string* out);

}  // namespace relay
