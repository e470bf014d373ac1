// One configured Gemini account: its config, and for OAuth accounts the access token and the
// Code Assist project, which request hooks read on worker threads while the refresh flow
// updates them on the account's loop (hence the mutex).
#ifndef RELAY_PLUGINS_GEMINI_GEMINI_ACCOUNT_H
#define RELAY_PLUGINS_GEMINI_GEMINI_ACCOUNT_H

#include <cstdint>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "gemini_config.h"
#include "relay_plugin.h"

namespace relay::gemini {

// Store keys (per account, encrypted by the host).
inline constexpr std::string_view kStoreAccessToken = "access_token";
inline constexpr std::string_view kStoreExpiresAtMs = "expires_at_ms";
inline constexpr std::string_view kStoreProjectId = "project_id";
// Written by `relay-server login` / a take-over (Google does not rotate refresh tokens, so a
// refresh never writes them): the refresh token, and the SHA-256 of the config's refresh_token
// at that time, so that a later change in the config wins over the stored login.
inline constexpr std::string_view kStoreRefreshToken = "refresh_token";
inline constexpr std::string_view kStoreConfigTokenSha = "config_refresh_token_sha256";

inline constexpr int64_t kExpiryMarginMs = 10 * 1000;      // prepare asks for a refresh
inline constexpr int64_t kRefreshAheadMs = 5 * 60 * 1000;  // background refresh before expiry

// The steps of one refresh flow: the token first, then the project when it is not known.
enum class FlowStep { kNone, kToken, kLoadCodeAssist, kOnboardUser, kPollOperation };

struct AccountSnapshot {
  std::string refresh_token;  // the config's, or a stored login's
  std::string access_token;
  int64_t expires_at_ms = 0;  // 0 = unknown (treated as valid)
  std::string project;
};

class GeminiAccount {
 public:
  GeminiAccount(relay_host_account_t* host_account, GeminiConfig config);

  const GeminiConfig& config() const { return config_; }
  relay_host_account_t* hostAccount() const { return host_account_; }
  const std::string& label() const { return label_; }

  // account_new and credentials_changed: the stored login (unless the config's refresh_token
  // changed since), the stored access token (with a known expiry) and the discovered project.
  void loadStored();
  // credentials_changed (a login in another process): the stored tokens again; the project is
  // discovered anew unless configured.
  void reloadLogin();

  AccountSnapshot snapshot() const;
  void setToken(std::string access_token, int64_t expires_at_ms);
  void setProject(std::string project);
  // A login or take-over: the new tokens replace the old ones, and the project of the previous
  // login is forgotten (unless project_id is configured).
  void setLogin(std::string refresh_token, std::string access_token, int64_t expires_at_ms);
  bool tokenUsable(int64_t now_ms) const;
  bool canRefresh() const;
  bool projectKnown() const;

  // One flow in flight: begin returns false when one already runs.
  bool beginFlow();
  // Starts the next step of the running flow; returns its call id.
  uint64_t nextCall(FlowStep step);
  // The step call_id belongs to, or kNone when it is not the flow's current call.
  FlowStep stepOf(uint64_t call_id) const;
  void endFlow();
  // The flow waits for the poll timer of a long-running operation; takeAwaitedPoll returns its
  // name once (empty when the flow is not waiting, e.g. it ended meanwhile).
  void awaitPoll(std::string operation);
  std::string takeAwaitedPoll();
  // Code Assist pass-through requests keep their envelope: prepare notes them by the request
  // handle, response_begin takes the note (the host hands both hooks the same handle).
  void notePassThrough(const relay_host_request_t* req, bool pass_through);
  bool takePassThrough(const relay_host_request_t* req);

  // Login (ABI 1.2): the token exchange's call id has kLoginCallBit set, so on_http_done can
  // tell it from the refresh flow's calls. endLogin is true when call_id is the exchange.
  static constexpr uint64_t kLoginCallBit = uint64_t{1} << 63;
  uint64_t beginLogin();
  bool endLogin(uint64_t call_id);

  // Operation polls in this flow (bounded).
  int polls = 0;

 private:
  std::optional<std::string> storeGet(std::string_view key) const;
  void loadTokensLocked();  // mu_ held

  relay_host_account_t* host_account_;
  GeminiConfig config_;
  std::string label_;
  mutable std::mutex mu_;
  AccountSnapshot state_;
  bool flow_running_ = false;
  FlowStep step_ = FlowStep::kNone;
  uint64_t call_id_ = 0;
  uint64_t next_call_id_ = 1;
  uint64_t login_call_id_ = 0;  // 0 = none in flight
  std::string awaited_operation_;
  std::mutex pass_mu_;
  std::set<const relay_host_request_t*> pass_through_;
};

inline GeminiAccount* fromHandle(relay_plugin_account_t* handle) {
  return reinterpret_cast<GeminiAccount*>(handle);
}
inline relay_plugin_account_t* toHandle(GeminiAccount* account) {
  return reinterpret_cast<relay_plugin_account_t*>(account);
}

}  // namespace relay::gemini

#endif
