#include "gemini_account.h"

#include "gemini_host.h"

namespace relay::gemini {

GeminiAccount::GeminiAccount(relay_host_account_t* host_account, GeminiConfig config)
    : host_account_(host_account), config_(std::move(config)) {
  label_ = "gemini account '" + config_.id + "'";
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
  if (state_.project.empty()) state_.project = storeGet(kStoreProjectId).value_or("");
  std::optional<std::string> access = storeGet(kStoreAccessToken);
  int64_t expires = 0;
  try {
    expires = std::stoll(storeGet(kStoreExpiresAtMs).value_or("0"));
  } catch (...) {
    expires = 0;
  }
  // Without a known expiry a stored token cannot be trusted: a refresh runs instead.
  if (access && !access->empty() && expires > 0 && !config_.refresh_token.empty()) {
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
