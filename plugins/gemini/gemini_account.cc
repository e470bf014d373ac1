#include "gemini_account.h"

#include <utility>

#include "gemini_host.h"
#include "sha256_hex.h"

namespace relay::gemini {

GeminiAccount::GeminiAccount(relay_host_account_t* host_account, GeminiConfig config)
    : host_account_(host_account), config_(std::move(config)) {
  label_ = "gemini account '" + config_.id + "'";
  state_.refresh_token = config_.refresh_token;
  state_.access_token = config_.access_token;
  state_.expires_at_ms = config_.expires_at * 1000;
  state_.project = config_.project_id;
}

std::optional<std::string> GeminiAccount::storeGet(std::string_view key) const {
  const relay_host_t* h = host();
  if (!h || !RELAY_HOST_HAS(h, store_get)) return std::nullopt;
  relay_slice_t value{nullptr, 0};
  if (h->store_get(host_account_, toSlice(key), &value) != RELAY_OK) return std::nullopt;
  return std::string(toView(value));  // the host's copy dies with this hook
}

void GeminiAccount::loadStored() {
  if (!config_.oauth) return;
  std::lock_guard<std::mutex> lock(mu_);
  if (config_.project_id.empty()) state_.project = storeGet(kStoreProjectId).value_or("");
  loadTokensLocked();
}

void GeminiAccount::reloadLogin() {
  if (!config_.oauth) return;
  std::lock_guard<std::mutex> lock(mu_);
  state_.project = config_.project_id;  // another login may be another Google account
  loadTokensLocked();
}

void GeminiAccount::loadTokensLocked() {
  std::optional<std::string> refresh = storeGet(kStoreRefreshToken);
  std::optional<std::string> sha = storeGet(kStoreConfigTokenSha);
  if (refresh && !refresh->empty()) {
    if (!sha || *sha == sha256Hex(config_.refresh_token)) {
      state_.refresh_token = *refresh;
    } else {
      logLine(RELAY_LOG_INFO, label_ + ": refresh_token in the config changed; using it");
      return;  // the stored login's tokens belong to the old one
    }
  }
  std::optional<std::string> access = storeGet(kStoreAccessToken);
  int64_t expires = 0;
  try {
    expires = std::stoll(storeGet(kStoreExpiresAtMs).value_or("0"));
  } catch (...) {
    expires = 0;
  }
  // Without a known expiry a stored token cannot be trusted: a refresh runs instead.
  if (access && !access->empty() && expires > 0 && !state_.refresh_token.empty()) {
    state_.access_token = *access;
    state_.expires_at_ms = expires;
  }
}

AccountSnapshot GeminiAccount::snapshot() const {
  std::lock_guard<std::mutex> lock(mu_);
  return state_;
}

void GeminiAccount::setToken(std::string access_token, int64_t expires_at_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  state_.access_token = std::move(access_token);
  state_.expires_at_ms = expires_at_ms;
}

void GeminiAccount::setProject(std::string project) {
  std::lock_guard<std::mutex> lock(mu_);
  state_.project = std::move(project);
}

bool GeminiAccount::tokenUsable(int64_t now_ms) const {
  std::lock_guard<std::mutex> lock(mu_);
  if (state_.access_token.empty()) return false;
  return state_.expires_at_ms == 0 || state_.expires_at_ms - now_ms > kExpiryMarginMs;
}

void GeminiAccount::setLogin(std::string refresh_token, std::string access_token,
                             int64_t expires_at_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  state_.refresh_token = std::move(refresh_token);
  state_.access_token = std::move(access_token);
  state_.expires_at_ms = expires_at_ms;
  state_.project = config_.project_id;
}

bool GeminiAccount::canRefresh() const {
  std::lock_guard<std::mutex> lock(mu_);
  return config_.oauth && !state_.refresh_token.empty();
}

uint64_t GeminiAccount::beginLogin() {
  std::lock_guard<std::mutex> lock(mu_);
  login_call_id_ = kLoginCallBit | next_call_id_++;
  return login_call_id_;
}

bool GeminiAccount::endLogin(uint64_t call_id) {
  std::lock_guard<std::mutex> lock(mu_);
  if (call_id == 0 || call_id != login_call_id_) return false;
  login_call_id_ = 0;
  return true;
}

bool GeminiAccount::projectKnown() const {
  std::lock_guard<std::mutex> lock(mu_);
  return !state_.project.empty();
}

bool GeminiAccount::beginFlow() {
  std::lock_guard<std::mutex> lock(mu_);
  if (flow_running_) return false;
  flow_running_ = true;
  polls = 0;
  return true;
}

uint64_t GeminiAccount::nextCall(FlowStep step) {
  std::lock_guard<std::mutex> lock(mu_);
  step_ = step;
  call_id_ = next_call_id_++;
  return call_id_;
}

FlowStep GeminiAccount::stepOf(uint64_t call_id) const {
  std::lock_guard<std::mutex> lock(mu_);
  return flow_running_ && call_id == call_id_ ? step_ : FlowStep::kNone;
}

void GeminiAccount::endFlow() {
  std::lock_guard<std::mutex> lock(mu_);
  flow_running_ = false;
  step_ = FlowStep::kNone;
  call_id_ = 0;
  awaited_operation_.clear();
}

void GeminiAccount::awaitPoll(std::string operation) {
  std::lock_guard<std::mutex> lock(mu_);
  call_id_ = 0;  // no call in flight while waiting
  awaited_operation_ = std::move(operation);
}

std::string GeminiAccount::takeAwaitedPoll() {
  std::lock_guard<std::mutex> lock(mu_);
  if (!flow_running_) return {};
  return std::exchange(awaited_operation_, std::string());
}

void GeminiAccount::notePassThrough(const relay_host_request_t* req, bool pass_through) {
  constexpr size_t kMaxNotes = 4096;  // notes of answers that never began (errors) are dropped
  std::lock_guard<std::mutex> lock(pass_mu_);
  if (!pass_through) {
    pass_through_.erase(req);
    return;
  }
  if (pass_through_.size() >= kMaxNotes) pass_through_.clear();
  pass_through_.insert(req);
}

bool GeminiAccount::takePassThrough(const relay_host_request_t* req) {
  std::lock_guard<std::mutex> lock(pass_mu_);
  return pass_through_.erase(req) > 0;
}

}  // namespace relay::gemini
