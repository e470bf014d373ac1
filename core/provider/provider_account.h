// The host side of one plugin account: the plugin's handle, its encrypted key/value facts,
// and credential refresh — one in flight at a time, run on the control loop, waking the
// requests that wait for it on their own loops.
#pragma once

#include <uv.h>

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/config/config.h"
#include "core/plugin/host_handles.h"
#include "core/plugin/plugin_loader.h"
#include "core/provider/credential_commit.h"
#include "core/store/credential_repo.h"
#include "core/store/loop_mailbox.h"
#include "core/store/secret_box.h"
#include "core/store/store.h"

namespace relay {

class UpstreamClient;
class UpstreamCall;

// What a ProviderAccount needs from the process around it.
struct ProviderEnvironment {
  uv_loop_t* control_loop = nullptr;
  std::shared_ptr<store::LoopMailbox> control_mailbox;
  UpstreamClient* control_client = nullptr;  // for http_call, on the control loop
  store::Store* store = nullptr;             // may be null (tests, --check-config)
  const store::SecretBox* secrets = nullptr;
  std::string default_ca_file;  // server.upstream_ca_file
  int connect_timeout_ms = 10000;
  int handshake_timeout_ms = 10000;
  // False for a short-lived command (login): the plugin's background refreshes are not run.
  bool background_refresh = true;
  // True for the relay: its credential writes never replace a row another process (a login)
  // wrote since the relay last loaded or wrote it; the login's row stands and is reloaded.
  // False for the login command, whose writes always win.
  bool credential_writes_yield = true;
  // The plugin told the token's expiry (host->schedule_refresh): for /health and the table.
  std::function<void(const std::string& account_id, int64_t expires_at_ms)> on_token_expiry;
  // A refresh failed for good (RELAY_CLASS_PERMANENT: a dead grant): the account is disabled
  // with `reason` until a login or new config tokens replace its credentials.
  std::function<void(const std::string& account_id, const std::string& reason)> on_credentials_dead;
};

class ProviderAccount final : public relay_host_account {
 public:
  // failure_class (a relay_failure_class_t) says what a failure means; RELAY_CLASS_NONE on ok.
  using CredentialsCallback =
      std::function<void(bool ok, const std::string& reason, uint32_t failure_class)>;

  ProviderAccount(const AccountConfig& config, const LoadedPlugin& plugin,
                  ProviderEnvironment& env);
  ~ProviderAccount() override;

  // Control loop, at start-up: loads stored facts and creates the plugin account; on
  // rejection err holds the plugin's reason (and, ABI 1.1, the key).
  bool create(relay_error_t* err);

  const std::string& id() const { return config_.id; }
  const AccountConfig& config() const { return config_; }
  const LoadedPlugin& plugin() const { return plugin_; }
  relay_plugin_account_t* handle() const { return handle_; }
  int64_t tokenExpiresAtMs() const { return token_expires_at_ms_.load(); }
  // After create(): the credentials had failed for good, and the account's config changed since
  // (new config tokens), so the account may be tried again.
  bool deadCredentialsReplacedByConfig() const { return dead_credentials_replaced_; }
  // Any thread: true when the plugin's response hooks only observe this account's answers
  // (1.3 account_response_observes, else the plugin-wide 1.1 response_observes).
  bool responseObserves() const;

  // Any thread: runs a refresh (or joins the one in flight) and calls `done` on `reply_to`'s
  // loop. `alive` going away (weak) cancels the callback.
  void requestCredentials(bool force, std::shared_ptr<store::LoopMailbox> reply_to,
                          std::weak_ptr<void> alive, CredentialsCallback done);

  // relay_host_account (control loop).
  int httpCall(const relay_http_request_t& request, uint64_t call_id) override;
  bool storeGet(std::string_view key, std::string_view* value) override;
  int storePut(std::string_view key, std::string_view value) override;
  void credentialsReady() override;
  void credentialsFailed(std::string_view reason) override;
  void credentialsFailedAs(uint32_t failure_class, std::string_view reason) override;
  int scheduleRefresh(int64_t at_ms, int64_t expires_at_ms) override;
  int loginUrl(std::string_view url) override;
  void loginDone(int32_t outcome, std::string_view identity, std::string_view reason) override;
  int startTimer(int64_t at_ms, uint64_t timer_id) override;

  // 1.2 login: the login command listens to the plugin's login_url / login_done.
  std::function<void(std::string_view url)> on_login_url;
  std::function<void(int32_t outcome, std::string_view identity, std::string_view reason)>
      on_login_done;

  // Control loop: the stored credentials changed outside this process (record = the row now).
  // Updates the facts and tells the plugin (credentials_changed). A refresh in flight is
  // superseded: its late answer is dropped (the stored login wins) and its waiters go on with the
  // new credentials. kDeferred is kept for a caller that asks again later.
  enum class Reload { kUnchanged, kApplied, kDeferred, kUnsupported };
  Reload reloadCredentials(const std::optional<store::CredentialRecord>& record);

  // Control loop: `done` runs on the control loop once every store write queued so far is
  // committed (at once without a store).
  void afterStoreWrites(std::function<void(bool ok)> done);

  // Control loop: cancels timers and calls; the plugin account is freed.
  void shutdown();

 private:
  struct Waiter {
    std::shared_ptr<store::LoopMailbox> reply_to;
    std::weak_ptr<void> alive;
    CredentialsCallback done;
  };
  class HttpCall;

  void startRefresh(bool force, std::optional<Waiter> waiter);
  void finishRefresh(bool ok, const std::string& reason, uint32_t failure_class);
  // The refresh in flight was superseded by stored credentials: it ends as a success.
  void endSupersededRefresh();
  // Remembers (in the account's facts) which config the dead credentials came from; "" forgets.
  void rememberDeadCredentials(const std::string& config_fingerprint);
  void persist();
  store::CredentialRecord credentialRecord() const;  // the credential facts as a row
  // A store job writing `rec` (conditionally, see credential_writes_yield); remembers its stamp.
  std::function<void(sqlite3*)> credentialWrite(const store::CredentialRecord& rec) const;
  void rememberStamp(int64_t updated_at) const;
  // Durable rotation: what storePut wrote since the last confirmed commit, and its confirmation.
  CredentialCommit::Pending uncommittedWrites() const;
  void writesCommitted(uint64_t generation);
  void afterCommit(bool ok);
  static void onRefreshTimer(uv_timer_t* t);
  static void onPluginTimer(uv_timer_t* t);
  // The facts a stored credential row holds (tokens, expiry, config fingerprint).
  static std::map<std::string, std::string, std::less<>> factsOf(
      const store::CredentialRecord& record);

  AccountConfig config_;
  const LoadedPlugin& plugin_;
  ProviderEnvironment& env_;
  relay_plugin_account_t* handle_ = nullptr;
  std::map<std::string, std::string, std::less<>> facts_;  // control loop only
  std::atomic<int64_t> token_expires_at_ms_{0};
  bool refreshing_ = false;  // control loop only
  // Stored credentials replaced the ones the refresh in flight started from (control loop).
  bool refresh_superseded_ = false;
  bool refresh_stored_ = false;  // the refresh in flight stored credentials (control loop)
  bool dead_credentials_replaced_ = false;
  std::vector<Waiter> waiters_;
  uv_timer_t* refresh_timer_ = nullptr;
  struct PluginTimer;
  std::map<uint64_t, PluginTimer*> plugin_timers_;  // host->start_timer, by the plugin's id
  std::map<uint64_t, std::unique_ptr<HttpCall>> calls_;
  // Durable rotation (control loop only): storePut bumps put_generation_; a confirmed commit
  // of a snapshot brings committed_generation_ up to it.
  std::unique_ptr<CredentialCommit> commit_;
  uint64_t put_generation_ = 0;
  uint64_t committed_generation_ = 0;
  bool credentials_dirty_ = false;
  std::set<std::string> dirty_facts_;
  // updated_at of the credential rows this account loaded or queued for writing, newest last
  // (bounded): a write only replaces a row stamped with one of them (control loop only).
  mutable std::vector<int64_t> known_stamps_;
  int64_t credentials_stamp_ = 0;  // when the credential facts last changed (their row's stamp)
};

}  // namespace relay
