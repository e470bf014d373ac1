// Masks likely secrets in text bound for a log, so an accidental leak is caught.
#pragma once

#include <string>
#include <string_view>

namespace relay {

// Replaces the secret part of: sk-ant-... and other sk-... keys, AIza... Google keys,
// `Bearer <token>` / `Basic <token>`, and values of keys such as refresh_token, access_token,
// api_key, x-api-key, client_secret, password (JSON `"k":"v"`, `k=v`, `k: v`), and `?key=` /
// `&key=` query parameters. The mask is "[REDACTED]".
std::string redactSecrets(std::string_view text);

}  // namespace relay
