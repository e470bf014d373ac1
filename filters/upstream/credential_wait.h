// Waiting for an account's credentials: joins (or starts) the account's refresh on the control
// loop and comes back on the request's loop; dropping the wait cancels the callback.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace relay {

class ProviderAccount;
struct WorkerContext;

class CredentialWait {
 public:
  // failure_class (relay_failure_class_t): what a failed refresh means for the account.
  using Done = std::function<void(bool ok, const std::string& why, uint32_t failure_class)>;
  // force: refresh even if the token looks valid.
  void start(ProviderAccount& account, bool force, WorkerContext& worker, Done done);
  // A callback still on its way expires with the token it was given.
  void cancel() { alive_.reset(); }

 private:
  std::shared_ptr<int> alive_;  // made by start(): most requests never wait
};

}  // namespace relay
