// The sticky-session key of a request (PROTOCOLS.md part B "Sticky session key"): a pure
// function of the request, so the same conversation keeps landing on the same account.
#pragma once

#include <string>
#include <string_view>

#include "core/http/request.h"
#include "core/http/wire_format.h"

namespace relay {

// "<key_id or ->:<source>:<value>" for the first rule that applies, "" when none does.
// Rules and their <source>, in order:
//   1. header x-claude-code-session-id                          "claude-session"
//      (decided from the header alone: the body is not parsed)
//   2. metadata.user_id: a JSON string holding an object with session_id, or the
//      legacy user_<hex>_account_<uuid>_session_<uuid> form   "user-id"
//   3. header session_id / x-session-id (also session-id)       "session-header"
//      body prompt_cache_key                                    "prompt-cache-key"
//      body client_metadata.session_id                          "client-metadata"
//      body request.session_id (Code Assist envelope)           "code-assist"
//   4. first 32 hex of SHA-256 over the concatenated texts     "hash"
//      cache_control-marked system blocks + first message; else all system text;
//      else the first message. Where "system" and "first message" live depends on `format`.
// A body that is not a JSON object yields "" unless rule 1 applied. Never throws.
std::string deriveSessionKey(const Request& req, WireFormat format, std::string_view key_id);

}  // namespace relay
