#include "core/server_context.h"

#include "core/accounts/account_pool.h"
#include "core/accounts/sticky_store.h"
#include "core/provider/provider_set.h"
#include "core/store/usage_sink.h"

namespace relay {

ServerContext::ServerContext() = default;
ServerContext::~ServerContext() = default;

}  // namespace relay
