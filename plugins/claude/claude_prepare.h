// The prepare hook: upstream URL, credentials, forwarded headers and (OAuth) the identity block.
#ifndef RELAY_PLUGINS_CLAUDE_CLAUDE_PREPARE_H
#define RELAY_PLUGINS_CLAUDE_CLAUDE_PREPARE_H

#include "claude_account.h"
#include "relay_plugin.h"

namespace relay::claude {

int prepareRequest(const ClaudeAccount& account, relay_host_request_t* req,
                   const relay_request_view_t& request, relay_error_t* err);

}  // namespace relay::claude

#endif
