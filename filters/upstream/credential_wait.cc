#include "filters/upstream/credential_wait.h"

#include "core/provider/provider_account.h"
#include "core/server_context.h"

namespace relay {

void CredentialWait::start(ProviderAccount& account, bool force, WorkerContext& worker, Done done) {
  account.requestCredentials(force, worker.mailbox, alive_, std::move(done));
}

}  // namespace relay
