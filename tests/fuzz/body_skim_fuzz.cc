// libFuzzer target: the skim of a JSON request body (depth limit and UTF-8 over the whole text,
// the grammar of what is read, numbers as text) and the readers of what it found. Checked against
// RapidJSON's SAX reader under the same guards and a byte-by-byte count of nesting:
// - the skim accepts every text RapidJSON accepts (but for NUL bytes after the root, which
//   RapidJSON takes for the end of the text) and finds the same root members, each valid;
// - a text the skim accepts nests at most 128 deep and is well-formed UTF-8 throughout, so it
//   refuses every text that is not (it may accept grammar errors inside object and array members,
//   which it leaves unchecked until a reader asks: they then read as absent);
// - the skim into reused storage finds what the plain one finds;
// - every kernel of the unchecked skip this CPU runs finds what the scalar one finds.
#include <rapidjson/reader.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "core/formats/session_fields.h"
#include "core/json/bounded_reader.h"
#include "core/json/json_view.h"
#include "core/json/skim.h"
#include "json_skim/unchecked_skip.h"

namespace {

struct RootKind : rapidjson::BaseReaderHandler<rapidjson::UTF8<>, RootKind> {
  relay::json::DepthGuard guard;
  bool object = false;
  size_t root_members = 0;
  bool Default() { return true; }
  bool RawNumber(const char*, rapidjson::SizeType, bool) { return true; }
  bool StartObject() {
    if (guard.depth() == 0) object = true;
    return guard.enter();
  }
  bool EndObject(rapidjson::SizeType members) {
    guard.leave();
    if (guard.depth() == 0) root_members = members;
    return true;
  }
  bool StartArray() { return guard.enter(); }
  bool EndArray(rapidjson::SizeType) {
    guard.leave();
    return true;
  }
};

// The deepest nesting of the text, counted byte by byte: a backslash escapes the next byte (an
// escaped quote toggles nothing), quotes toggle strings, brackets outside strings count.
int nesting(std::string_view text) {
  int depth = 0;
  int deepest = 0;
  bool in_string = false;
  bool escaped = false;
  for (char c : text) {
    bool was_escaped = escaped;
    escaped = false;
    if (c == '\\') {
      escaped = !was_escaped;
    } else if (c == '"') {
      if (!was_escaped) in_string = !in_string;
    } else if (!in_string && (c == '[' || c == '{')) {
      deepest = std::max(deepest, ++depth);
    } else if (!in_string && (c == ']' || c == '}')) {
      --depth;
    }
  }
  return deepest;
}

bool wellFormedUtf8(std::string_view text) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const auto* end = p + text.size();
  while (p < end) {
    if (*p < 0x80) {
      ++p;
      continue;
    }
    size_t n = relay::skim::utf8Sequence(p, end);
    if (n == 0) return false;
    p += n;
  }
  return true;
}

// The unchecked skip of a text starting with '{' or '[', with each kernel against the scalar one.
void kernelsAgree(std::string_view text) {
  namespace unchecked = relay::skim::unchecked;
  if (text.empty() || (text[0] != '{' && text[0] != '[')) return;
  const char* end = text.data() + text.size();
  for (int outer : {0, 1, 127}) {
    unchecked::Skip want =
        unchecked::skipWith(unchecked::kernel(unchecked::Level::kScalar), text.data(), end, outer);
    for (auto level :
         {unchecked::Level::kSse2, unchecked::Level::kAvx2, unchecked::Level::kAvx512}) {
      if (!unchecked::supported(level)) continue;
      unchecked::Skip got = unchecked::skipWith(unchecked::kernel(level), text.data(), end, outer);
      if (got.fault != want.fault || got.stop != want.stop) __builtin_trap();
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  relay::json::ObjectSkim skim = relay::json::skimObject(text);
  if (skim.ok == !skim.error.empty()) __builtin_trap();  // ok and an error at once, or neither

  // The same skim into storage reused from input to input (as the request side reuses a
  // worker's spare lists): nothing of the last input may survive in it.
  static std::vector<relay::json::SkimMember> storage;
  relay::json::ObjectSkim again = relay::json::skimObject(text, std::move(storage));
  if (again.ok != skim.ok || again.error != skim.error ||
      again.members.size() != skim.members.size())
    __builtin_trap();
  for (size_t i = 0; i < skim.members.size(); ++i) {
    const relay::json::SkimMember& a = skim.members[i];
    const relay::json::SkimMember& b = again.members[i];
    if (a.key.data() != b.key.data() || a.key.size() != b.key.size() ||
        a.value.data() != b.value.data() || a.value.size() != b.value.size() ||
        a.key_escaped != b.key_escaped)
      __builtin_trap();
  }
  storage = std::move(again.members);
  kernelsAgree(text);

  RootKind h;
  rapidjson::Reader reader;
  rapidjson::MemoryStream ms(text.data(), text.size());
  rapidjson::ParseResult r =
      reader.Parse<relay::json::kBoundedParseFlags | rapidjson::kParseValidateEncodingFlag>(ms, h);
  bool rapid_ok = !r.IsError() && !h.guard.tooDeep() && h.object;
  bool has_nul = text.find('\0') != std::string_view::npos;
  if (rapid_ok && !skim.ok && !has_nul) __builtin_trap();
  if (rapid_ok && skim.ok) {  // the same root members, each valid where RapidJSON saw it valid
    if (skim.members.size() != h.root_members) __builtin_trap();
    for (const relay::json::SkimMember& m : skim.members)
      if (!m.key_escaped && skim.member(m.key).empty()) __builtin_trap();
  }
  // Nesting and UTF-8 hold over the whole text of whatever the skim accepts.
  if (skim.ok && (nesting(text) > relay::json::kMaxJsonDepth || !wellFormedUtf8(text)))
    __builtin_trap();
  // RapidJSON stops at a number too big for it, so it never sees nesting that comes later.
  if (r.Code() != rapidjson::kParseErrorNumberTooBig && h.guard.tooDeep() && skim.ok)
    __builtin_trap();

  if (skim.ok) {
    relay::json::JsonView(skim.member("model")).stringCopy();
    for (auto format : {relay::WireFormat::Anthropic, relay::WireFormat::OpenAIChat,
                        relay::WireFormat::OpenAIResponses, relay::WireFormat::Gemini}) {
      relay::formats::HashTexts t;
      relay::formats::collectHashTexts(skim, format, t);
    }
    relay::formats::sessionFromUserId(skim);
  }
  return 0;
}
