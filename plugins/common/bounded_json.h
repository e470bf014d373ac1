// Client JSON is read under two guards (the same as the host's core/json/bounded_reader.h; a
// plugin builds against the ABI header only, so it keeps its own copy): nesting at most
// kMaxJsonDepth deep, since RapidJSON recurses once per level, and numbers read as text and
// converted with std::from_chars, since Debian's RapidJSON 1.1.0 overflows converting huge
// negative exponents (CVE-2024-38517).
#ifndef RELAY_PLUGINS_COMMON_BOUNDED_JSON_H
#define RELAY_PLUGINS_COMMON_BOUNDED_JSON_H

#include <rapidjson/document.h>
#include <rapidjson/reader.h>

#include <string_view>

namespace relay::plugin_common {

inline constexpr int kMaxJsonDepth = 128;

enum class JsonParse { kOk, kMalformed, kTooDeep, kNumberOutOfRange };

// Parses `text` into `doc`. Integers keep their integer type; a number beyond double range is
// refused (kNumberOutOfRange) rather than rounded to infinity or zero.
JsonParse parseBoundedJson(std::string_view text, rapidjson::Document& doc);

// True when the JSON number `text` (grammar already checked) converts: an integer within 64 bits
// or a value within double range. Readers that never build a DOM use it to refuse the same
// numbers parseBoundedJson refuses.
bool numberInRange(std::string_view text);
// True when the non-empty integer `text` (grammar already checked) fits 64 bits, signed when it
// starts with '-', unsigned otherwise.
bool integerFits(std::string_view text);

// A sentence for a client, or "" for kOk.
std::string_view jsonParseProblem(JsonParse status);

}  // namespace relay::plugin_common

#endif
