// Masks likely secrets in text bound for a log, so an accidental leak is caught.
#pragma once

#include <string>
#include <string_view>

namespace relay {

// Replaces the secret part of: sk-ant-... and other sk-... keys, AIza... keys, ya29.... and
// 1//... OAuth token shapes, `Bearer <token>` / `Basic <token>`, and values of keys such as
// token, refresh_token, access_token, api_key, x-api-key, secret, client_secret, password,
// authorization (the scheme word kept), cookie and set-cookie (the whole line), in the forms
// JSON `"k":"v"`, escaped JSON `\"k\":\"v\"`, `k=v` and `k: v`, and `?key=` / `&key=` query
// parameters. The mask is "[REDACTED]".
std::string redactSecrets(std::string_view text);

}  // namespace relay
