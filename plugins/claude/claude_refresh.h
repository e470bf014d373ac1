// OAuth refresh with rotating refresh tokens: the request, the answer, and persisting the pair.
#ifndef RELAY_PLUGINS_CLAUDE_CLAUDE_REFRESH_H
#define RELAY_PLUGINS_CLAUDE_CLAUDE_REFRESH_H

#include <cstdint>
#include <string>
#include <string_view>

#include "claude_account.h"
#include "relay_plugin.h"
#include "token_answer.h"

namespace relay::claude {

inline constexpr int64_t kDefaultExpiresInSeconds = 3600;  // when the answer omits expires_in

// {"grant_type":"refresh_token","refresh_token":...,"client_id":...}
std::string refreshRequestBody(std::string_view refresh_token, std::string_view client_id);

struct TokenGrant {
  std::string access_token;
  std::string refresh_token;  // empty: the server did not rotate it
  int64_t expires_in_seconds = kDefaultExpiresInSeconds;
};

// Parses a 200 answer; false (and a secret-free why) when it carries no access token.
bool parseTokenGrant(std::string_view body, TokenGrant* out, std::string* why);

// The error code of a failed token answer: Claude's token endpoint answers OAuth errors
// ({"error":"invalid_grant",...}) and API-style ones ({"type":"error","error":{"type":...}}).
std::string tokenErrorCode(std::string_view body);

// What a refused refresh means: 400/401/403 with invalid_grant (revoked, rotated away, expired)
// is a dead grant (RELAY_CLASS_PERMANENT); anything else (5xx, 429, an odd answer) is transient.
relay_failure_class_t refreshFailureClass(int status, std::string_view oauth_error);

// credentials_changed: the refresh in flight (if any) is dropped and ends with
// credentials_ready, since the new stored credentials are now in use.
void abandonRefresh(ClaudeAccount& account);

// Tells the host the token's expiry and when to refresh it in the background (if known).
void scheduleBackgroundRefresh(const ClaudeAccount& account);

// The refresh hook: starts host->http_call, or ends at once with credentials_ready/failed.
int startRefresh(ClaudeAccount& account, bool force);
// The on_http_done hook for a refresh call.
void finishRefresh(ClaudeAccount& account, uint64_t call_id, const relay_http_response_t& resp);
// The credentials_committed hook (ABI 1.3): publishes a held grant, or keeps the current access
// token while it is valid when the commit failed (an expired one gives way to the new token:
// serving with an unsaved token beats failing every request).
void commitRefresh(ClaudeAccount& account, bool committed);

}  // namespace relay::claude

#endif
