#include "filters/upstream/credential_wait.h"

#include "core/provider/provider_account.h"
#include "core/server_context.h"

namespace relay {

void CredentialWait::start(ProviderAccount& account, bool force, WorkerContext& worker, Done done) {
  if (!alive_) alive_ = std::make_shared<int>(0);
  account.requestCredentials(force, worker.mailbox, alive_, std::move(done));
}

}  // namespace relay
