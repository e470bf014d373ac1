// Picks up credentials another process wrote (relay-server login) without a restart: every
// second the store thread reads SQLite's PRAGMA data_version, which changes only when another
// connection committed; then every account's credential row is read again and each account
// whose tokens differ is told (ProviderAccount::reloadCredentials).
#pragma once

#include <uv.h>

#include <functional>
#include <string>

#include "core/provider/provider_set.h"
#include "core/store/secret_box.h"
#include "core/store/store.h"

namespace relay {

class CredentialWatch {
 public:
  using Applied = std::function<void(const std::string& account_id)>;

  // All on the control loop; store, secrets and providers outlive the watch.
  CredentialWatch(uv_loop_t* loop, store::Store& store, const store::SecretBox& secrets,
                  ProviderSet& providers, Applied on_applied);
  ~CredentialWatch();
  CredentialWatch(const CredentialWatch&) = delete;
  CredentialWatch& operator=(const CredentialWatch&) = delete;

  void start(uint64_t interval_ms = 1000);
  // Closes the timer; replies still in flight are ignored.
  void stop();

 private:
  static void onTick(uv_timer_t* timer);
  void check();
  void reload();

  uv_loop_t* loop_;
  store::Store& store_;
  store::SecretBox secrets_;
  ProviderSet& providers_;
  Applied on_applied_;
  uv_timer_t* timer_ = nullptr;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  bool in_flight_ = false;
  bool pending_ = false;  // an account deferred the reload (its refresh was running)
  int64_t version_ = -1;
};

}  // namespace relay
