// Masks likely secrets in text bound for a log, so an accidental leak is caught.
#pragma once

#include <cstddef>
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

// The shortest secret value masked (one rule for every secret known by value: relay keys, the
// metrics token, proxy passwords, a provider account's tokens and keys). Shorter values would
// mask innocent text: a 4-5 byte value ("admin", "1234", "test") turns up inside ordinary words,
// ids, numbers and timestamps, so masking it garbles log lines, while a secret that short is
// guessable and hides little. A longer minimum leaks real secrets: 6-7 byte proxy passwords and
// hand-written relay keys ("hunter2") exist, and were logged in clear under the former 8.
inline constexpr size_t kMinRedactedValue = 6;

// Registers a secret known by value (a config secret, a provider account's token or key) to be
// masked exactly, wherever it appears, in every later log line: the main and access logs, plugin
// log lines and account state messages all go through redactSecrets / appendRedacted. Values
// shorter than kMinRedactedValue are ignored. Thread-safe; registering a value twice is harmless.
void addRedactedValue(std::string_view secret);

// Forgets every registered value (tests).
void clearRedactedValues();

}  // namespace relay
