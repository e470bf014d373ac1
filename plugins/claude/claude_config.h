// The YAML account as the plugin reads it (the config JSON handed to account_new).
#ifndef RELAY_PLUGINS_CLAUDE_CLAUDE_CONFIG_H
#define RELAY_PLUGINS_CLAUDE_CLAUDE_CONFIG_H

#include <cstdint>
#include <string>
#include <string_view>

#include "account_keys.h"

namespace relay::claude {

inline constexpr std::string_view kDefaultApiUrl = "https://api.anthropic.com";
inline constexpr std::string_view kDefaultTokenUrl = "https://platform.claude.com/v1/oauth/token";
inline constexpr std::string_view kDefaultClientId = "9d1c250a-e61b-44d9-88ed-5944d1962f5e";
// What current Claude Code uses to sign in (PROTOCOLS.md C2); authorize_url and redirect_uri
// are per-account keys.
inline constexpr std::string_view kDefaultAuthorizeUrl = "https://claude.ai/oauth/authorize";
inline constexpr std::string_view kDefaultRedirectUri =
    "https://platform.claude.com/oauth/code/callback";
inline constexpr std::string_view kLoginScopes =
    "org:create_api_key user:profile user:inference user:sessions:claude_code user:mcp_servers "
    "user:file_upload";

struct ClaudeConfig {
  bool oauth = false;  // claude-oauth; otherwise claude-api
  std::string id;
  std::string name;
  std::string api_key;
  std::string refresh_token;
  std::string access_token;
  int64_t expires_at = 0;  // unix seconds; 0 = unknown
  std::string api_url;     // without a trailing '/'
  std::string token_url;
  std::string client_id;
  std::string authorize_url;  // login only
  std::string redirect_uri;   // login only
};

// Both types accept every key of either (as the configuration always did): api_key,
// refresh_token, access_token, expires_at, token_url, client_id, authorize_url, redirect_uri,
// plus the core's keys. claude-api needs api_key; claude-oauth may have no token at all: its
// tokens then come from `relay-server login` (the store), and requests fail until then.
// Parses config_json for account_type; on failure returns false and names the offending key
// in error (no secrets).
bool parseClaudeConfig(std::string_view account_type, std::string_view config_json,
                       ClaudeConfig* out, account_keys::KeyError* error);

}  // namespace relay::claude

#endif
