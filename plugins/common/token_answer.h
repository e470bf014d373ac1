// An OAuth token endpoint's answer, as every in-tree plugin with a login reads it: the error
// code of a failed answer, the lifetime of a granted token, and what a failed authorization-code
// exchange means for `relay-server login`.
#ifndef RELAY_PLUGINS_COMMON_TOKEN_ANSWER_H
#define RELAY_PLUGINS_COMMON_TOKEN_ANSWER_H

#include <rapidjson/document.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "relay_plugin.h"

namespace relay::plugin_common {

// The error code of a failed token answer, at most 64 characters, or "". Each provider reads its
// own endpoint's shapes:
// - oauthErrorCode: RFC 6749 5.2, {"error":"invalid_grant","error_description":...} (Google's
//   token endpoint answers only so);
// - apiErrorType: the "type" of an API-style error object, {"error":{"type":...,"message":...}}.
std::string oauthErrorCode(std::string_view body);
std::string apiErrorType(std::string_view body);
using ErrorCodeReader = std::string (*)(std::string_view body);

// answer's expires_in in seconds when it is a positive number (at most max_seconds: a cast
// beyond int64 is undefined), else fallback.
int64_t expiresInSeconds(const rapidjson::Value& answer, int64_t fallback, double max_seconds);

// A failed authorization-code exchange, for login_done.
struct ExchangeFailure {
  int32_t outcome;     // RELAY_LOGIN_NETWORK, RELAY_LOGIN_REJECTED or RELAY_LOGIN_FAILED
  std::string reason;  // "no answer" / the host's error, or "token endpoint answered HTTP …"
};
// True with *out when the exchange got no answer (network) or one other than 200: 400 and 401
// refuse the code (rejected), anything else failed; the reason names the error code code_of reads.
bool exchangeFailed(const relay_http_response_t& resp, ErrorCodeReader code_of,
                    ExchangeFailure* out);

}  // namespace relay::plugin_common

#endif
