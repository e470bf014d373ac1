#include "claude_identity.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "bounded_json.h"
#include "host_api.h"

namespace relay::claude {

namespace {

constexpr std::string_view kIdentityPrefix = "You are Claude Code";

bool startsWithIdentity(const rapidjson::Value& text) {
  if (!text.IsString()) return false;
  return std::string_view(text.GetString(), text.GetStringLength())
             .substr(0, kIdentityPrefix.size()) == kIdentityPrefix;
}

bool systemHasIdentity(const rapidjson::Value& system) {
  if (system.IsString()) return startsWithIdentity(system);
  if (!system.IsArray()) return false;
  for (const rapidjson::Value& block : system.GetArray()) {
    if (!block.IsObject()) continue;
    auto text = block.FindMember("text");
    if (text != block.MemberEnd() && startsWithIdentity(text->value)) return true;
  }
  return false;
}

rapidjson::Value textBlock(std::string_view text, rapidjson::Document::AllocatorType& alloc) {
  rapidjson::Value block(rapidjson::kObjectType);
  block.AddMember("type", "text", alloc);
  block.AddMember(
      "text", rapidjson::Value(text.data(), static_cast<rapidjson::SizeType>(text.size()), alloc),
      alloc);
  return block;
}

}  // namespace

std::optional<std::string> withIdentityBlock(std::string_view body, std::string* refusal) {
  rapidjson::Document doc;
  JsonParse parsed = parseBoundedJson(body, doc);
  if (parsed == JsonParse::kTooDeep || parsed == JsonParse::kNumberOutOfRange) {
    if (refusal != nullptr) *refusal = jsonParseProblem(parsed);
    return std::nullopt;
  }
  if (parsed != JsonParse::kOk || !doc.IsObject()) return std::nullopt;
  auto& alloc = doc.GetAllocator();
  rapidjson::Value blocks(rapidjson::kArrayType);
  blocks.PushBack(textBlock(kIdentityLine, alloc), alloc);
  auto system = doc.FindMember("system");
  if (system != doc.MemberEnd()) {
    if (systemHasIdentity(system->value)) return std::nullopt;
    if (system->value.IsString() && system->value.GetStringLength() > 0) {
      std::string_view text(system->value.GetString(), system->value.GetStringLength());
      blocks.PushBack(textBlock(text, alloc), alloc);
    } else if (system->value.IsArray()) {
      for (rapidjson::Value& block : system->value.GetArray()) blocks.PushBack(block, alloc);
    }
    system->value = blocks;
  } else {
    doc.AddMember("system", blocks, alloc);
  }
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  doc.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace relay::claude
