// libFuzzer target: the one validating skim of a JSON request body (depth limit, UTF-8, numbers
// as text) and the readers of what it found. Checked against RapidJSON's SAX reader under the
// same guards: they accept and refuse the same texts, except numbers RapidJSON refuses as too big
// (the skim never converts numbers, so it has none to refuse) and NUL bytes after the root
// (RapidJSON takes a NUL for the end of the text; the skim refuses them). The skim into reused
// storage must find what the plain one finds.
#include <rapidjson/reader.h>

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "core/formats/session_fields.h"
#include "core/json/bounded_reader.h"
#include "core/json/json_view.h"
#include "core/json/skim.h"

namespace {

struct RootKind : rapidjson::BaseReaderHandler<rapidjson::UTF8<>, RootKind> {
  relay::json::DepthGuard guard;
  bool object = false;
  bool Default() { return true; }
  bool RawNumber(const char*, rapidjson::SizeType, bool) { return true; }
  bool StartObject() {
    if (guard.depth() == 0) object = true;
    return guard.enter();
  }
  bool EndObject(rapidjson::SizeType) {
    guard.leave();
    return true;
  }
  bool StartArray() { return guard.enter(); }
  bool EndArray(rapidjson::SizeType) {
    guard.leave();
    return true;
  }
};

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

  RootKind h;
  rapidjson::Reader reader;
  rapidjson::MemoryStream ms(text.data(), text.size());
  rapidjson::ParseResult r =
      reader.Parse<relay::json::kBoundedParseFlags | rapidjson::kParseValidateEncodingFlag>(ms, h);
  bool rapid_ok = !r.IsError() && !h.guard.tooDeep() && h.object;
  bool has_nul = text.find('\0') != std::string_view::npos;
  if (rapid_ok && !skim.ok && !has_nul) __builtin_trap();
  if (skim.ok && !rapid_ok && r.Code() != rapidjson::kParseErrorNumberTooBig) __builtin_trap();
  // RapidJSON stops at a number too big for it, so it never sees nesting that comes later.
  bool rapid_stopped_early = r.Code() == rapidjson::kParseErrorNumberTooBig;
  if (!rapid_stopped_early && h.guard.tooDeep() != (skim.error == relay::json::kTooDeepMessage))
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
