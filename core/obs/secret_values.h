// Secrets known by value: configuration values a provider keeps (tokens, keys, passwords of
// keys the core does not know), masked wherever they would reach a log. Complements
// redact.h, which masks secrets by their shape.
#pragma once

#include <string>
#include <string_view>

namespace relay {

// Remembers value as a secret (values shorter than 6 bytes are ignored: too likely to occur
// in ordinary text). Thread-safe; meant for start-up.
void registerSecretValue(std::string_view value);

// text with every registered value replaced by "[REDACTED]".
std::string maskSecretValues(std::string_view text);
// The same without a copy when nothing is masked: text itself, or the masked text in *scratch.
std::string_view maskSecretValues(std::string_view text, std::string* scratch);

// Forgets every registered value (tests).
void clearSecretValues();

}  // namespace relay
