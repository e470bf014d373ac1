// The prepare hook: the public API with x-goog-api-key for `gemini-api` accounts; Code Assist
// with a Bearer token and the {model, project, user_prompt_id, request} envelope for `gemini`.
#ifndef RELAY_PLUGINS_GEMINI_GEMINI_PREPARE_H
#define RELAY_PLUGINS_GEMINI_GEMINI_PREPARE_H

#include "gemini_account.h"
#include "relay_plugin.h"

namespace relay::gemini {

int prepareRequest(GeminiAccount& account, relay_host_request_t* req,
                   const relay_request_view_t& request, relay_error_t* err);

}  // namespace relay::gemini

#endif
