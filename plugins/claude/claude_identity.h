// The Claude Code identity line that OAuth tokens require as the first system block.
#ifndef RELAY_PLUGINS_CLAUDE_CLAUDE_IDENTITY_H
#define RELAY_PLUGINS_CLAUDE_CLAUDE_IDENTITY_H

#include <optional>
#include <string>
#include <string_view>

namespace relay::claude {

inline constexpr std::string_view kIdentityLine =
    "You are Claude Code, Anthropic's official CLI for Claude.";

// The body with the identity block first in `system` (a string system becomes an array of text
// blocks); nullopt when the body already has a system block starting "You are Claude Code" or
// is not a JSON object (then it is sent unchanged). A body nested too deep or holding a number
// out of range is refused: nullopt with *refusal set to a sentence for the client.
std::optional<std::string> withIdentityBlock(std::string_view body, std::string* refusal = nullptr);

}  // namespace relay::claude

#endif
