#include "claude_account.h"

#include <algorithm>

#include "host_api.h"
#include "sha256_hex.h"

namespace relay::claude {

ClaudeAccount::ClaudeAccount(relay_host_account_t* host_account, ClaudeConfig config)
    : host_account_(host_account), config_(std::move(config)) {
  label_ = "claude account '" + (config_.id.empty() ? config_.name : config_.id) + "'";
  tokens_.access_token = config_.access_token;
  tokens_.refresh_token = config_.refresh_token;
  tokens_.expires_at_ms = config_.expires_at * 1000;
}

std::optional<std::string> ClaudeAccount::storeGet(std::string_view key) const {
  const relay_host_t* h = host();
  if (!h || !RELAY_HOST_HAS(h, store_get)) return std::nullopt;
  relay_slice_t value{nullptr, 0};
  if (h->store_get(host_account_, toSlice(key), &value) != RELAY_OK) return std::nullopt;
  return std::string(toView(value));  // the host's copy dies with this hook
}

void ClaudeAccount::loadTokens() {
  if (!config_.oauth) return;
  std::optional<std::string> stored_refresh = storeGet(kStoreRefreshToken);
  std::optional<std::string> stored_access = storeGet(kStoreAccessToken);
  std::optional<std::string> stored_sha = storeGet(kStoreConfigTokenSha);
  bool config_changed = stored_sha && *stored_sha != sha256Hex(config_.refresh_token);
  bool has_refresh = stored_refresh && !stored_refresh->empty();
  bool has_access = stored_access && !stored_access->empty();
  if (!has_refresh && !has_access) return;
  if (config_changed) {
    logLine(RELAY_LOG_INFO, label_ + ": refresh_token in the config changed; using it");
    return;
  }
  TokenState state;
  if (has_refresh) state.refresh_token = *stored_refresh;
  if (has_access) state.access_token = *stored_access;
  std::string expires = storeGet(kStoreExpiresAtMs).value_or("0");
  try {
    state.expires_at_ms = std::stoll(expires);
  } catch (...) {
    state.expires_at_ms = 0;
  }
  // A stored access token without a known expiry cannot be trusted: let a refresh run.
  if (state.expires_at_ms == 0 && has_refresh) state.access_token.clear();
  logLine(RELAY_LOG_DEBUG, label_ + ": using the stored tokens");
  setTokens(std::move(state));
}

TokenState ClaudeAccount::tokens() const {
  std::lock_guard<std::mutex> lock(mu_);
  return servingLocked(nowMs());
}

TokenState ClaudeAccount::newestTokens() const {
  std::lock_guard<std::mutex> lock(mu_);
  return held_ ? *held_ : tokens_;
}

void ClaudeAccount::setTokens(TokenState state) {
  std::lock_guard<std::mutex> lock(mu_);
  tokens_ = std::move(state);
  refresh_retry_at_ms_ = 0;
  held_.reset();
}

bool ClaudeAccount::refreshDue(int64_t now_ms) const {
  std::lock_guard<std::mutex> lock(mu_);
  const TokenState& t = held_ ? *held_ : tokens_;
  if (t.access_token.empty()) return true;
  if (t.expires_at_ms == 0) return false;
  bool waiting = now_ms < refresh_retry_at_ms_ && now_ms < t.expires_at_ms;
  return !waiting && now_ms >= t.expires_at_ms - kRefreshAheadMs;
}

const TokenState& ClaudeAccount::servingLocked(int64_t now_ms) const {
  // A held grant whose commit failed is still better than an expired token: use it.
  if (held_ && held_failed_ && !accessTokenUsable(tokens_, now_ms)) return *held_;
  return tokens_;
}

std::string ClaudeAccount::requestToken(int64_t now_ms) const {
  std::lock_guard<std::mutex> lock(mu_);
  const TokenState& t = servingLocked(now_ms);
  if (accessTokenUsable(t, now_ms)) return t.access_token;
  bool waiting = now_ms < refresh_retry_at_ms_ && now_ms < t.expires_at_ms;
  return waiting ? t.access_token : std::string();
}

int64_t ClaudeAccount::noteTransientRefreshFailure(int64_t now_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  if (tokens_.access_token.empty() || now_ms >= tokens_.expires_at_ms) return 0;
  refresh_retry_at_ms_ = std::min(now_ms + kRefreshRetryMs, tokens_.expires_at_ms);
  return refresh_retry_at_ms_;
}

bool ClaudeAccount::abandonRefresh() {
  std::lock_guard<std::mutex> lock(mu_);
  bool in_flight = refresh_call_id_ != 0;
  refresh_call_id_ = 0;
  refresh_retry_at_ms_ = 0;
  return in_flight;
}

void ClaudeAccount::holdGrant(TokenState granted, bool forced) {
  std::lock_guard<std::mutex> lock(mu_);
  tokens_.refresh_token = granted.refresh_token;
  held_ = std::move(granted);
  held_forced_ = held_forced_ || forced;
  held_failed_ = false;
  refresh_retry_at_ms_ = 0;
}

void ClaudeAccount::commitGrant(bool committed, int64_t now_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!held_) return;
  if (committed || held_forced_ || !accessTokenUsable(tokens_, now_ms)) {
    tokens_ = std::move(*held_);
    held_.reset();
    held_forced_ = false;
    held_failed_ = false;
    return;
  }
  held_failed_ = true;  // the old access token serves until it expires (see tokens())
}

std::optional<uint64_t> ClaudeAccount::beginRefresh() {
  std::lock_guard<std::mutex> lock(mu_);
  if (refresh_call_id_ != 0) return std::nullopt;
  refresh_call_id_ = next_call_id_++;
  return refresh_call_id_;
}

bool ClaudeAccount::endRefresh(uint64_t call_id) {
  std::lock_guard<std::mutex> lock(mu_);
  if (call_id == 0 || call_id != refresh_call_id_) return false;
  refresh_call_id_ = 0;
  return true;
}

uint64_t ClaudeAccount::beginLogin() {
  std::lock_guard<std::mutex> lock(mu_);
  login_call_id_ = kLoginCallBit | next_call_id_++;
  return login_call_id_;
}

bool ClaudeAccount::endLogin(uint64_t call_id) {
  std::lock_guard<std::mutex> lock(mu_);
  if (call_id == 0 || call_id != login_call_id_) return false;
  login_call_id_ = 0;
  return true;
}

bool ClaudeAccount::takeExpiryWarning() {
  std::lock_guard<std::mutex> lock(mu_);
  if (expiry_warned_) return false;
  expiry_warned_ = true;
  return true;
}

}  // namespace relay::claude
