// SHA-256 as lowercase hex: how the plugin remembers which config token it last saw.
#ifndef RELAY_PLUGINS_CLAUDE_SHA256_HEX_H
#define RELAY_PLUGINS_CLAUDE_SHA256_HEX_H

#include <string>
#include <string_view>

namespace relay::claude {

std::string sha256Hex(std::string_view data);

}  // namespace relay::claude

#endif
