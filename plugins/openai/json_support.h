// JSON helpers of the OpenAI translators: a depth-limited parse of client input, typed field
// readers, a writer, and base64 (reasoning items carry Anthropic thinking blocks encoded).
#ifndef RELAY_PLUGINS_OPENAI_JSON_SUPPORT_H
#define RELAY_PLUGINS_OPENAI_JSON_SUPPORT_H

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace relay::openai {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

// Deepest nesting of arrays and objects accepted from a client; deeper input is a 400.
inline constexpr int kMaxJsonDepth = 128;
// Upstream answers are trusted more, but still parsed within a bound (recursive parser).
inline constexpr int kMaxUpstreamJsonDepth = 1024;

// A request the translator refuses: the host renders status + message in the client format.
struct RequestRejected : std::runtime_error {
  int status;
  RequestRejected(int status_code, const std::string& message)
      : std::runtime_error(message), status(status_code) {}
};
[[noreturn]] void reject(const std::string& message);  // a 400

// True when text nests arrays/objects deeper than max_depth (strings are skipped).
bool nestsDeeperThan(std::string_view text, int max_depth);
// Parses client JSON; throws RequestRejected (400) for bad or too deeply nested input.
void parseClientJson(std::string_view text, rapidjson::Document& doc, const char* what);
// Parses JSON that came from upstream; false when it is not JSON (never throws).
bool parseUpstreamJson(std::string_view text, rapidjson::Document& doc);

std::string toJson(const rapidjson::Value& value);
// A string value's bytes (embedded NULs included).
inline std::string_view stringView(const rapidjson::Value& v) {
  return std::string_view(v.GetString(), v.GetStringLength());
}

const rapidjson::Value* member(const rapidjson::Value& object, const char* name);
std::optional<std::string_view> stringMember(const rapidjson::Value& object, const char* name);
std::string_view stringOr(const rapidjson::Value& object, const char* name,
                          std::string_view fallback = {});
std::optional<int64_t> intMember(const rapidjson::Value& object, const char* name);
uint64_t uintOr(const rapidjson::Value& object, const char* name, uint64_t fallback = 0);
bool boolOr(const rapidjson::Value& object, const char* name, bool fallback);

inline void writeString(JsonWriter& w, std::string_view s) {
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}
inline void writeKey(JsonWriter& w, std::string_view s) {
  w.Key(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}
inline void writeRaw(JsonWriter& w, std::string_view json, rapidjson::Type type) {
  w.RawValue(json.data(), json.size(), type);
}
inline std::string_view written(const rapidjson::StringBuffer& b) {
  return std::string_view(b.GetString(), b.GetSize());
}

std::string base64Encode(std::string_view bytes);
std::optional<std::string> base64Decode(std::string_view text);

}  // namespace relay::openai

#endif
