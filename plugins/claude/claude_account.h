// One configured Claude account: its config and the token state that prepare reads from worker
// threads while refresh updates it on the account's loop (hence the mutex).
#ifndef RELAY_PLUGINS_CLAUDE_CLAUDE_ACCOUNT_H
#define RELAY_PLUGINS_CLAUDE_CLAUDE_ACCOUNT_H

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>

#include "claude_config.h"
#include "relay_plugin.h"

namespace relay::claude {

// Store keys (per account, encrypted by the host).
inline constexpr std::string_view kStoreRefreshToken = "refresh_token";
inline constexpr std::string_view kStoreAccessToken = "access_token";
inline constexpr std::string_view kStoreExpiresAtMs = "expires_at_ms";
inline constexpr std::string_view kStoreConfigTokenSha = "config_refresh_token_sha256";

inline constexpr int64_t kExpiryMarginMs = 10 * 1000;      // prepare asks for a refresh
inline constexpr int64_t kRefreshAheadMs = 5 * 60 * 1000;  // background refresh before expiry
// After a transient refresh failure (token endpoint down), the next try waits this long; the
// current access token serves until it really expires meanwhile.
inline constexpr int64_t kRefreshRetryMs = 30 * 1000;

struct TokenState {
  std::string access_token;
  std::string refresh_token;
  int64_t expires_at_ms = 0;  // 0 = unknown (treated as valid)
};

// An access token that is present and not within kExpiryMarginMs of expiry.
inline bool accessTokenUsable(const TokenState& t, int64_t now_ms) {
  if (t.access_token.empty()) return false;
  return t.expires_at_ms == 0 || t.expires_at_ms - now_ms > kExpiryMarginMs;
}

class ClaudeAccount {
 public:
  ClaudeAccount(relay_host_account_t* host_account, ClaudeConfig config);

  const ClaudeConfig& config() const { return config_; }
  relay_host_account_t* hostAccount() const { return host_account_; }
  // "claude account '<id>'" for log lines and failure reasons.
  const std::string& label() const { return label_; }

  // account_new: prefers the stored rotated tokens unless the config's refresh token changed.
  void loadTokens();

  // The tokens requests use: the published pair, or the held grant when its commit failed
  // and the published access token is no longer usable.
  TokenState tokens() const;
  // The newest pair (a held grant when there is one): what refresh scheduling looks at.
  TokenState newestTokens() const;
  void setTokens(TokenState state);  // publishes state; drops a held grant
  // True when a refresh should run now (missing token or inside the refresh-ahead window),
  // unless a transient failure's retry time is still ahead and the token has not expired.
  bool refreshDue(int64_t now_ms) const;
  // The access token prepare may send: usable, or (after a transient refresh failure) not yet
  // expired. Empty when a refresh is needed first.
  std::string requestToken(int64_t now_ms) const;
  // A refresh failed transiently: retry at the returned time (ms); 0 when the token has expired.
  int64_t noteTransientRefreshFailure(int64_t now_ms);

  // credentials_changed: abandons the refresh in flight (its late answer is then unknown and
  // dropped); true when one was in flight.
  bool abandonRefresh();

  // Durable rotation (ABI 1.3): a granted pair is held until the host confirms its commit.
  // The rotated refresh token takes effect at once (the old one is dead at the provider).
  void holdGrant(TokenState granted, bool forced);
  // credentials_committed: committed publishes the held pair. Not committed keeps the old access
  // token while it is usable and the refresh was not forced by a rejected token; otherwise (or
  // once the old one expires, see tokens()) the held one is used rather than failing requests.
  void commitGrant(bool committed, int64_t now_ms);

  // One refresh in flight: begin returns the new call id, or nullopt when one already runs.
  std::optional<uint64_t> beginRefresh();
  // True when call_id is the refresh in flight (and ends it).
  bool endRefresh(uint64_t call_id);
  // Whether the refresh in flight was forced (the provider refused the access token).
  void setRefreshForced(bool forced) { refresh_forced_ = forced; }
  bool refreshForced() const { return refresh_forced_; }

  // Login (ABI 1.2): the token exchange's call id has kLoginCallBit set, so on_http_done can
  // tell it from a refresh. endLogin is true when call_id is the exchange in flight.
  static constexpr uint64_t kLoginCallBit = uint64_t{1} << 63;
  uint64_t beginLogin();
  bool endLogin(uint64_t call_id);

  // A setup-token (access token, no refresh token) close to its expiry is reported once.
  bool takeExpiryWarning();

 private:
  std::optional<std::string> storeGet(std::string_view key) const;
  // The pair requests use (see tokens()); mu_ held.
  const TokenState& servingLocked(int64_t now_ms) const;

  relay_host_account_t* host_account_;
  ClaudeConfig config_;
  std::string label_;
  mutable std::mutex mu_;
  TokenState tokens_;
  std::optional<TokenState> held_;  // a grant whose commit is not confirmed yet
  bool held_forced_ = false;        // its refresh was forced (the old access token was refused)
  bool held_failed_ = false;        // the host said its commit failed
  uint64_t next_call_id_ = 1;
  uint64_t refresh_call_id_ = 0;     // 0 = none in flight
  int64_t refresh_retry_at_ms_ = 0;  // after a transient failure; 0 = none
  uint64_t login_call_id_ = 0;       // 0 = none in flight
  bool expiry_warned_ = false;
  bool refresh_forced_ = false;  // account's loop only
};

inline ClaudeAccount* fromHandle(relay_plugin_account_t* handle) {
  return reinterpret_cast<ClaudeAccount*>(handle);
}
inline relay_plugin_account_t* toHandle(ClaudeAccount* account) {
  return reinterpret_cast<relay_plugin_account_t*>(account);
}

}  // namespace relay::claude

#endif
