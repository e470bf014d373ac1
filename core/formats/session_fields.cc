#include "core/formats/session_fields.h"

#include "core/json/bounded_document.h"

namespace relay::formats {

namespace {

using JsonValue = rapidjson::Value;
using Texts = std::vector<std::string_view>;  // views into the parsed body

const JsonValue* member(const JsonValue& obj, const char* name) {
  if (!obj.IsObject()) return nullptr;
  auto it = obj.FindMember(name);
  return it == obj.MemberEnd() ? nullptr : &it->value;
}

std::string_view stringOf(const JsonValue* v) {
  if (v == nullptr || !v->IsString()) return {};
  return {v->GetString(), v->GetStringLength()};
}

std::string_view stringMember(const JsonValue& obj, const char* name) {
  return stringOf(member(obj, name));
}

const JsonValue* firstElement(const JsonValue* array) {
  if (array == nullptr || !array->IsArray() || array->Empty()) return nullptr;
  return &(*array)[0];
}

std::string_view headerValue(const Request& req, std::string_view name) {
  const std::string* v = req.headers.find(name);
  return v == nullptr ? std::string_view{} : std::string_view(*v);
}

// ---- rule 2: metadata.user_id ----

// Current Claude Code: a JSON string {"device_id":…,"account_uuid":…,"session_id":…}.
std::string sessionFromJsonUserId(std::string_view user_id) {
  if (user_id.empty() || user_id.front() != '{') return {};
  rapidjson::Document inner;
  rapidjson::MemoryStream in(user_id.data(), user_id.size());
  if (json::parseWithoutNumbers(in, inner) != json::BoundedParse::kOk) return {};
  return std::string(stringMember(inner, "session_id"));
}

// Older Claude Code: user_<hex>_account_<uuid>_session_<uuid> (the account part may be empty).
std::string_view sessionFromLegacyUserId(std::string_view user_id) {
  constexpr std::string_view kPrefix = "user_";
  constexpr std::string_view kAccount = "_account_";
  constexpr std::string_view kSession = "_session_";
  if (!user_id.starts_with(kPrefix)) return {};
  size_t session_at = user_id.rfind(kSession);
  size_t account_at = user_id.find(kAccount);
  if (session_at == std::string_view::npos || account_at == std::string_view::npos) return {};
  if (account_at >= session_at) return {};
  return user_id.substr(session_at + kSession.size());
}

std::string userIdSession(const JsonValue& body) {
  const JsonValue* metadata = member(body, "metadata");
  if (metadata == nullptr) return {};
  std::string_view user_id = stringMember(*metadata, "user_id");
  std::string session = sessionFromJsonUserId(user_id);
  if (!session.empty()) return session;
  return std::string(sessionFromLegacyUserId(user_id));
}

// ---- rule 3: explicit session ids of Codex and Code Assist ----

SessionId explicitId(const Request& req, const JsonValue& body) {
  // session-id is the spelling third parties saw from Codex (PROTOCOLS.md C4).
  for (std::string_view name : {"session_id", "x-session-id", "session-id"}) {
    std::string_view v = headerValue(req, name);
    if (!v.empty()) return {"session-header", std::string(v)};
  }
  if (std::string_view v = stringMember(body, "prompt_cache_key"); !v.empty())
    return {"prompt-cache-key", std::string(v)};
  if (const JsonValue* meta = member(body, "client_metadata"); meta != nullptr) {
    std::string_view v = stringMember(*meta, "session_id");
    if (!v.empty()) return {"client-metadata", std::string(v)};
  }
  if (const JsonValue* inner = member(body, "request"); inner != nullptr) {
    std::string_view v = stringMember(*inner, "session_id");
    if (!v.empty()) return {"code-assist", std::string(v)};
  }
  return {};
}

// ---- rule 4: where the hashed texts sit ----

bool isCacheMarked(const JsonValue& block) {
  const JsonValue* cc = member(block, "cache_control");
  return cc != nullptr && !cc->IsNull();
}

// Content as a string, or as blocks/parts each carrying a "text" (Anthropic, OpenAI, Gemini).
void collectContent(const JsonValue* content, Texts& out, Texts* marked) {
  if (content == nullptr) return;
  if (content->IsString()) {
    out.push_back(stringOf(content));
    return;
  }
  if (!content->IsArray()) return;
  for (const JsonValue& block : content->GetArray()) {
    std::string_view text = stringMember(block, "text");
    if (text.empty()) continue;
    out.push_back(text);
    if (marked != nullptr && isCacheMarked(block)) marked->push_back(text);
  }
}

void collectAnthropic(const JsonValue& body, HashTexts& t) {
  collectContent(member(body, "system"), t.system, &t.cached);
  if (const JsonValue* first = firstElement(member(body, "messages")))
    collectContent(member(*first, "content"), t.first, nullptr);
}

// Only the leading system/developer messages count, so later turns keep the same hash.
void collectOpenAIChat(const JsonValue& body, HashTexts& t) {
  const JsonValue* messages = member(body, "messages");
  if (messages == nullptr || !messages->IsArray()) return;
  for (const JsonValue& m : messages->GetArray()) {
    std::string_view role = stringMember(m, "role");
    if (role != "system" && role != "developer") {
      collectContent(member(m, "content"), t.first, nullptr);
      return;
    }
    collectContent(member(m, "content"), t.system, &t.cached);
  }
}

void collectResponses(const JsonValue& body, HashTexts& t) {
  collectContent(member(body, "instructions"), t.system, nullptr);
  const JsonValue* input = member(body, "input");
  if (input != nullptr && input->IsString())
    t.first.push_back(stringOf(input));
  else if (const JsonValue* item = firstElement(input))
    collectContent(member(*item, "content"), t.first, nullptr);
}

// Also reads the Code Assist envelope, whose Gemini request sits under "request".
void collectGemini(const JsonValue& body, HashTexts& t) {
  const JsonValue* root = &body;
  const JsonValue* envelope = member(body, "request");
  if (member(body, "contents") == nullptr && envelope != nullptr && envelope->IsObject())
    root = envelope;
  const JsonValue* sys = member(*root, "systemInstruction");
  if (sys == nullptr) sys = member(*root, "system_instruction");
  if (sys != nullptr && sys->IsString())
    collectContent(sys, t.system, nullptr);
  else if (sys != nullptr)
    collectContent(member(*sys, "parts"), t.system, nullptr);
  if (const JsonValue* first = firstElement(member(*root, "contents")))
    collectContent(member(*first, "parts"), t.first, nullptr);
}

}  // namespace

SessionId sessionFromHeaderOnly(const Request& req) {
  return {"claude-session", std::string(headerValue(req, "x-claude-code-session-id"))};
}

SessionId sessionFromUserId(const JsonValue& body) {
  return {"user-id", userIdSession(body)};
}

SessionId explicitSessionId(const Request& req, const JsonValue& body) {
  return explicitId(req, body);
}

void collectHashTexts(const JsonValue& body, WireFormat format, HashTexts& t) {
  switch (format) {
    case WireFormat::Anthropic:
      collectAnthropic(body, t);
      break;
    case WireFormat::OpenAIChat:
      collectOpenAIChat(body, t);
      break;
    case WireFormat::OpenAIResponses:
      collectResponses(body, t);
      break;
    case WireFormat::Gemini:
      collectGemini(body, t);
      break;
  }
}

}  // namespace relay::formats
