// Where each wire format, and the clients that speak it, carry a conversation's identity: the
// session headers and body fields the sticky-session key is read from, and where the "system"
// text and the first message sit for the content hash (PROTOCOLS.md part B "Sticky session key").
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/formats/wire_format.h"
#include "core/http/request.h"
#include "core/json/json_view.h"
#include "core/json/skim.h"

namespace relay::formats {

// A session id a client sent, and the <source> label of the place it came from; value "" if none.
// The value is a view into the request, its body, or the caller's `scratch` (text that had to be
// decoded), valid while those are.
struct SessionId {
  std::string_view source;
  std::string_view value;
};

// Rule 1: a header that decides alone (its client always sends it, so no body is parsed):
//   x-claude-code-session-id                                    "claude-session"
SessionId sessionFromHeaderOnly(const Request& req);

// Rule 2: metadata.user_id holding a JSON string of an object with session_id, or the legacy
// user_<hex>_account_<uuid>_session_<uuid> form                  "user-id"
SessionId sessionFromUserId(const json::ObjectSkim& body, std::string& scratch);
// The same id, copied.
std::string sessionFromUserId(const json::ObjectSkim& body);

// Rule 3, in order:
//   header session_id / x-session-id (also session-id)           "session-header"
//   body prompt_cache_key                                         "prompt-cache-key"
//   body client_metadata.session_id                               "client-metadata"
//   body request.session_id (Code Assist envelope)                "code-assist"
SessionId explicitSessionId(const Request& req, const json::ObjectSkim& body, std::string& scratch);

// Rule 4's inputs: views into the body, or into `decoded` for strings that held escapes.
struct HashTexts {
  std::vector<std::string_view> cached;  // system blocks marked cache_control
  std::vector<std::string_view> system;  // all system text
  std::vector<std::string_view> first;   // the first message
  json::DecodedStrings decoded;
};

// Bodies are read from their skim (core/json/skim.h), so nothing here parses the body again.
// Fills `t` from where `format` keeps its system text and its first message.
void collectHashTexts(const json::ObjectSkim& body, WireFormat format, HashTexts& t);

}  // namespace relay::formats
