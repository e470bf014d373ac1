#include "claude_identity.h"

#include <rapidjson/reader.h>

#include "bounded_json.h"
#include "host_api.h"

namespace relay::claude {

namespace {

constexpr std::string_view kIdentityPrefix = "You are Claude Code";

bool startsWithIdentity(std::string_view text) {
  return text.substr(0, kIdentityPrefix.size()) == kIdentityPrefix;
}

// One SAX pass (nothing is built): finds where the root's "system" value sits and whether it
// already carries the identity, under the same depth and number guards as parseBoundedJson.
struct SystemScan : rapidjson::BaseReaderHandler<rapidjson::UTF8<>, SystemScan> {
  explicit SystemScan(const rapidjson::MemoryStream& in) : in_(in) {}

  const rapidjson::MemoryStream& in_;
  JsonParse status = JsonParse::kOk;
  int depth = 0;
  bool root_is_object = false;
  size_t root_members = 0;
  size_t root_end = 0;  // offset of the root's closing '}'

  bool has_system = false;
  bool in_system_key = false;  // the last root key was the first "system"
  size_t system_key_end = 0;   // offset just past that key's closing quote
  size_t system_end = 0;       // offset just past the system value
  enum class Kind { Other, String, Array } system_kind = Kind::Other;
  bool system_string_empty = false;
  size_t system_elements = 0;
  bool system_has_identity = false;
  bool text_key = false;  // inside a system block, the last key was "text"

  size_t at() const { return in_.Tell(); }

  // A value at the root's member level ends the system value when it was system's.
  void scalarAtRoot() {
    if (depth == 1 && in_system_key) {
      in_system_key = false;
      system_end = at();
    }
  }
  bool Default() {
    text_key = false;
    scalarAtRoot();
    return true;
  }
  bool RawNumber(const char* s, rapidjson::SizeType n, bool) {
    if (!numberInRange(std::string_view(s, n))) {
      status = JsonParse::kNumberOutOfRange;
      return false;
    }
    return Default();
  }
  bool String(const char* s, rapidjson::SizeType n, bool) {
    std::string_view text(s, n);
    if (depth == 1 && in_system_key) {
      system_kind = Kind::String;
      system_string_empty = text.empty();
      system_has_identity = startsWithIdentity(text);
    } else if (depth == 3 && in_system_array && text_key && startsWithIdentity(text)) {
      system_has_identity = true;
    }
    return Default();
  }
  bool Key(const char* s, rapidjson::SizeType n, bool) {
    std::string_view key(s, n);
    text_key = depth == 3 && in_system_array && key == "text";
    if (depth == 1 && !has_system && key == "system") {
      has_system = true;
      in_system_key = true;
      system_key_end = at();
    }
    return true;
  }
  bool StartObject() {
    if (depth == 0) root_is_object = true;
    text_key = false;
    return enter();
  }
  bool EndObject(rapidjson::SizeType members) {
    --depth;
    if (depth == 0) {
      root_members = members;
      root_end = at() - 1;
    }
    closedAtRoot();
    return true;
  }
  bool StartArray() {
    if (depth == 1 && in_system_key) {
      system_kind = Kind::Array;
      in_system_array = true;
    }
    text_key = false;
    return enter();
  }
  bool EndArray(rapidjson::SizeType elements) {
    --depth;
    if (depth == 1 && in_system_array) {
      in_system_array = false;
      system_elements = elements;
    }
    closedAtRoot();
    return true;
  }

 private:
  bool in_system_array = false;

  bool enter() {
    if (depth >= kMaxJsonDepth) {
      status = JsonParse::kTooDeep;
      return false;
    }
    ++depth;
    return true;
  }
  void closedAtRoot() {
    text_key = false;
    if (depth == 1 && in_system_key) {
      in_system_key = false;
      system_end = at();
    }
  }
};

// Offset of the first byte of the value after a key: past whitespace, ':' and whitespace.
size_t valueStart(std::string_view body, size_t key_end) {
  size_t i = key_end;
  while (i < body.size() && (body[i] == ' ' || body[i] == '\t' || body[i] == '\n' ||
                             body[i] == '\r' || body[i] == ':'))
    ++i;
  return i;
}

std::string identityBlock() {
  // kIdentityLine holds nothing JSON would escape.
  std::string block = R"({"type":"text","text":")";
  block.append(kIdentityLine).append(R"("})");
  return block;
}

}  // namespace

std::optional<std::string> withIdentityBlock(std::string_view body, std::string* refusal) {
  rapidjson::MemoryStream in(body.data(), body.size());
  SystemScan scan(in);
  rapidjson::Reader reader;
  rapidjson::ParseResult r = reader.Parse<rapidjson::kParseNumbersAsStringsFlag>(in, scan);
  if (scan.status == JsonParse::kTooDeep || scan.status == JsonParse::kNumberOutOfRange) {
    if (refusal != nullptr) *refusal = jsonParseProblem(scan.status);
    return std::nullopt;
  }
  if (r.IsError() || !scan.root_is_object) return std::nullopt;
  if (scan.has_system && scan.system_has_identity) return std::nullopt;

  // The edit is spliced into the original bytes; everything else is forwarded as it came.
  const std::string block = identityBlock();
  std::string out;
  out.reserve(body.size() + block.size() + 32);
  if (!scan.has_system) {  // appended as the root's last member
    out.append(body.substr(0, scan.root_end));
    out.append(scan.root_members > 0 ? R"(,"system":[)" : R"("system":[)");
    out.append(block).append("]");
    out.append(body.substr(scan.root_end));
    return out;
  }
  size_t value_begin = valueStart(body, scan.system_key_end);
  out.append(body.substr(0, value_begin));
  if (scan.system_kind == SystemScan::Kind::Array) {  // the identity goes first
    out.append("[").append(block);
    if (scan.system_elements > 0) out.append(",");
    out.append(body.substr(value_begin + 1));
    return out;
  }
  out.append("[").append(block);
  if (scan.system_kind == SystemScan::Kind::String && !scan.system_string_empty) {
    std::string_view text = body.substr(value_begin, scan.system_end - value_begin);
    out.append(R"(,{"type":"text","text":)").append(text).append("}");
  }
  out.append("]");
  out.append(body.substr(scan.system_end));
  return out;
}

}  // namespace relay::claude
