// Waiting for an account's credentials: joins (or starts) the account's refresh on the control
// loop and comes back on the request's loop; dropping the wait cancels the callback.
#pragma once

#include <functional>
#include <memory>
#include <string>

namespace relay {

class ProviderAccount;
struct WorkerContext;

class CredentialWait {
 public:
  using Done = std::function<void(bool ok, const std::string& why)>;
  // force: refresh even if the token looks valid.
  void start(ProviderAccount& account, bool force, WorkerContext& worker, Done done);
  void cancel() { alive_ = std::make_shared<int>(0); }

 private:
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);
};

}  // namespace relay
