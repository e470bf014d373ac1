// The sticky-session key of a request (PROTOCOLS.md part B "Sticky session key"): a pure
// function of the request, so the same conversation keeps landing on the same account.
#pragma once

#include <string>
#include <string_view>

#include "core/formats/wire_format.h"
#include "core/http/request.h"
#include "core/json/skim.h"

namespace relay {

// "<key_id or ->:<source>:<value>" for the first rule that applies, "" when none does.
// Rules in order (their headers, fields and <source> labels: core/formats/session_fields.h):
//   1. a session header decided from the header alone (the body is not parsed)
//   2. a session id inside the body's user id                       "user-id"
//   3. an explicit session header or body field
//   4. first 32 hex of SHA-256 over the concatenated texts          "hash"
//      cache_control-marked system blocks + first message; else all system text;
//      else the first message. Where "system" and "first message" live depends on `format`.
// A body that is not a JSON object yields "" unless rule 1 applied. Never throws.
// `skim`: the body's skim when the chain has one (used only if it describes req.body), so the
// body is not read twice.
std::string deriveSessionKey(const Request& req, WireFormat format, std::string_view key_id,
                             const json::ObjectSkim* skim = nullptr);
// The same key assigned to `key` (its memory reused: a warm request state's session key).
void deriveSessionKey(const Request& req, WireFormat format, std::string_view key_id,
                      const json::ObjectSkim* skim, std::string& key);

}  // namespace relay
