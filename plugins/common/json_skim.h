// A one-pass JSON reader for plugins that need a few members of an upstream's answer (usage
// counts, a model name) and nothing else: it checks the whole text under the same rules as
// parseBoundedJson (RapidJSON's grammar, nesting at most kMaxJsonDepth, numbers in range) but
// builds no document and allocates nothing unless a key the visitor is shown has escapes. The
// scan itself is lib/json_skim's, the one the core skims request bodies with.
#ifndef RELAY_PLUGINS_COMMON_JSON_SKIM_H
#define RELAY_PLUGINS_COMMON_JSON_SKIM_H

#include <cstdint>
#include <string>
#include <string_view>

#include "bounded_json.h"

namespace relay::plugin_common {

struct JsonSkimValue {
  enum class Kind { kNull, kFalse, kTrue, kNumber, kString, kObject, kArray };
  Kind kind = Kind::kNull;
  // kNumber: the number's text. kString: the text between the quotes, escapes not decoded
  // (escaped says whether there are any). Empty for the other kinds.
  std::string_view text;
  bool escaped = false;
};

// Sees the members of the objects it asked for. The root object's members come with scope 0.
class JsonSkimVisitor {
 public:
  static constexpr int kIgnore = -1;
  virtual ~JsonSkimVisitor() = default;
  // A member of an object in `scope` (the key decoded). For an object value, returns the scope
  // its members are shown in, or kIgnore to skim it unseen; for other values the result is
  // ignored. Members are shown as they are read: a text found invalid later still showed them.
  virtual int member(int scope, std::string_view key, const JsonSkimValue& value) = 0;
};

// Reads `text` once. kOk only when the whole text is one valid JSON value.
JsonParse skimJson(std::string_view text, JsonSkimVisitor& visitor);

// The value of a string's text (JsonSkimValue::text): escapes decoded, \u pairs as UTF-8.
std::string decodeJsonString(std::string_view text);

// A number's text as a count: integers within 64 bits exactly, anything else through double
// and clamped into [0, UINT64_MAX] (negative counts read as 0).
uint64_t jsonNumberAsCount(std::string_view text);

}  // namespace relay::plugin_common

#endif
