// Signing a claude-oauth account in (ABI 1.2 login hooks): the authorize URL Claude Code uses
// (PKCE S256, code=true so the page shows "code#state"), the authorization_code exchange as
// JSON at token_url, and taking over Claude Code's own credential file.
#ifndef RELAY_PLUGINS_CLAUDE_CLAUDE_LOGIN_H
#define RELAY_PLUGINS_CLAUDE_CLAUDE_LOGIN_H

#include <string>
#include <string_view>

#include "claude_account.h"
#include "relay_plugin.h"

namespace relay::claude {

inline constexpr std::string_view kClaudeCodeSource = "claude-code";
inline constexpr std::string_view kClaudeCodeDefaultPath = ".claude/.credentials.json";  // ~
inline constexpr int64_t kSetupTokenWarnMs = 7LL * 24 * 3600 * 1000;

std::string authorizeUrl(const ClaudeConfig& config, std::string_view state,
                         std::string_view code_challenge);
// {"grant_type":"authorization_code","code","state","client_id","redirect_uri","code_verifier"}
std::string exchangeRequestBody(const ClaudeConfig& config, std::string_view code,
                                std::string_view state, std::string_view code_verifier);
// "email, organization" from a token answer's account / organization objects ("" if none).
std::string identityOf(std::string_view token_answer);

int beginLogin(ClaudeAccount& account, std::string_view state, std::string_view code_challenge,
               relay_error_t* err);
int startExchange(ClaudeAccount& account, std::string_view code, std::string_view state,
                  std::string_view code_verifier);
// The on_http_done hook for the exchange.
void finishExchange(ClaudeAccount& account, uint64_t call_id, const relay_http_response_t& resp);
int importCredentials(ClaudeAccount& account, std::string_view source, std::string_view path,
                      bool take_over);
// credentials_changed: re-read the store, reschedule, warn about a setup-token's expiry.
void reloadCredentials(ClaudeAccount& account);
// A setup-token's expiry from the config goes to the store (expiry only, no token), so that
// `relay-server accounts` shows it like a rotated token's.
void rememberSetupTokenExpiry(ClaudeAccount& account);
// Logs (once per account) that a token without a refresh token expires within 7 days.
void warnIfSetupTokenExpiring(ClaudeAccount& account);

}  // namespace relay::claude

#endif
