// Masks likely secrets in text bound for a log, so an accidental leak is caught.
#pragma once

#include <string>
#include <string_view>

namespace relay {

// Replaces the secret part of: the shapes plugins declared (addSecretPrefix), long sk-... keys,
// `Bearer <token>` / `Basic <token>`, and values of keys such as
// token, refresh_token, access_token, api_key, x-api-key, secret, client_secret, password,
// authorization (the scheme word kept), cookie and set-cookie (the whole line), in the forms
// JSON `"k":"v"`, escaped JSON `\"k\":\"v\"`, `k=v` and `k: v`, and `?key=` / `&key=` query
// parameters. The mask is "[REDACTED]".
// Exact secret values registered below are masked first, wherever they appear.
std::string redactSecrets(std::string_view text);
// The same, appended to out; allocates nothing once the thread's buffers and out have grown
// (the access log's path, once per request).
void appendRedacted(std::string& out, std::string_view text);

// Registers a provider's secret shape (ABI 1.3 secret_prefixes): the prefix and at least 8 token
// characters after it are masked (the prefix kept), case-insensitively. Core keeps no vendor
// token shapes of its own. Prefixes shorter than 3 bytes are ignored. Thread-safe.
void addSecretPrefix(std::string_view prefix);

// Registers a secret the host handles (a config secret, a stored token) to be masked exactly
// in every later log line. Values shorter than 8 bytes are ignored (too likely in plain text).
// Thread-safe; registering the same value twice is harmless.
void addRedactedValue(std::string_view secret);

}  // namespace relay
