// Pure rules for the upstream request: path mapping, query, which client headers go upstream
// and the anthropic-beta list.
#ifndef RELAY_PLUGINS_CLAUDE_CLAUDE_UPSTREAM_REQUEST_H
#define RELAY_PLUGINS_CLAUDE_CLAUDE_UPSTREAM_REQUEST_H

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "relay_plugin.h"

namespace relay::claude {

inline constexpr std::string_view kDefaultAnthropicVersion = "2023-06-01";
inline constexpr std::string_view kOAuthBeta = "oauth-2025-04-20";

// The Anthropic path for a client path ("/api/v1/messages", "/claude/v1/messages" and
// "/v1/messages" -> "/v1/messages"; count_tokens and models likewise). Translated traffic
// (client_format other than anthropic) always goes to /v1/messages. nullopt: not served.
std::optional<std::string> upstreamPath(std::string_view client_path,
                                        std::string_view client_format);

// Client headers copied upstream as they are (an allowlist: credentials and hop-by-hop
// headers are never on it). anthropic-beta and anthropic-version are handled apart.
bool isForwardedHeader(std::string_view name);

// The client's anthropic-beta values joined into one list, plus the OAuth beta once.
std::string oauthBetaList(const std::vector<std::string_view>& client_values);

// True when the headers say the request comes from Claude Code (x-app: cli or a claude-cli/
// user-agent).
bool isClaudeCodeClient(const relay_header_t* headers, size_t count);

}  // namespace relay::claude

#endif
