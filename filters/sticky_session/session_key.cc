#include "filters/sticky_session/session_key.h"

#include <openssl/evp.h>
#include <rapidjson/document.h>

#include <initializer_list>
#include <memory>
#include <vector>

#include "core/json/bounded_document.h"

namespace relay {

namespace {

using JsonValue = rapidjson::Value;
using Texts = std::vector<std::string_view>;  // views into the parsed body

constexpr size_t kHashHexChars = 32;

std::string scopedKey(std::string_view key_id, std::string_view source, std::string_view value) {
  std::string_view scope = key_id.empty() ? std::string_view("-") : key_id;
  std::string key;
  key.reserve(scope.size() + source.size() + value.size() + 2);
  key.append(scope).append(1, ':').append(source).append(1, ':').append(value);
  return key;
}

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

std::string sessionFromUserId(const JsonValue& body) {
  const JsonValue* metadata = member(body, "metadata");
  if (metadata == nullptr) return {};
  std::string_view user_id = stringMember(*metadata, "user_id");
  std::string session = sessionFromJsonUserId(user_id);
  if (!session.empty()) return session;
  return std::string(sessionFromLegacyUserId(user_id));
}

// ---- rule 3: explicit session ids of Codex and Code Assist ----

std::string keyFromExplicitSessionId(const Request& req, const JsonValue& body,
                                     std::string_view key_id) {
  // session-id is the spelling third parties saw from Codex (PROTOCOLS.md C4).
  for (std::string_view name : {"session_id", "x-session-id", "session-id"}) {
    std::string_view v = headerValue(req, name);
    if (!v.empty()) return scopedKey(key_id, "session-header", v);
  }
  if (std::string_view v = stringMember(body, "prompt_cache_key"); !v.empty())
    return scopedKey(key_id, "prompt-cache-key", v);
  if (const JsonValue* meta = member(body, "client_metadata"); meta != nullptr) {
    std::string_view v = stringMember(*meta, "session_id");
    if (!v.empty()) return scopedKey(key_id, "client-metadata", v);
  }
  if (const JsonValue* inner = member(body, "request"); inner != nullptr) {
    std::string_view v = stringMember(*inner, "session_id");
    if (!v.empty()) return scopedKey(key_id, "code-assist", v);
  }
  return {};
}

// ---- rule 4: hash of the conversation's stable prefix ----

struct HashTexts {
  Texts cached;  // system blocks marked cache_control
  Texts system;  // all system text
  Texts first;   // the first message
};

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

size_t totalSize(const Texts& texts) {
  size_t n = 0;
  for (std::string_view s : texts) n += s.size();
  return n;
}

// First kHashHexChars hex digits of SHA-256 over the groups' texts, concatenated as is.
std::string sha256Prefix(std::initializer_list<const Texts*> groups) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1) return {};
  for (const Texts* group : groups)
    for (std::string_view s : *group)
      if (EVP_DigestUpdate(ctx.get(), s.data(), s.size()) != 1) return {};
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_DigestFinal_ex(ctx.get(), digest, &len) != 1 || len * 2 < kHashHexChars) return {};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex(kHashHexChars, '0');
  for (size_t i = 0; i < kHashHexChars / 2; ++i) {
    hex[2 * i] = kHex[digest[i] >> 4];
    hex[2 * i + 1] = kHex[digest[i] & 0x0f];
  }
  return hex;
}

std::string keyFromContentHash(const JsonValue& body, WireFormat format, std::string_view key_id) {
  HashTexts t;
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
  std::string digest;
  if (totalSize(t.cached) > 0)
    digest = sha256Prefix({&t.cached, &t.first});
  else if (totalSize(t.system) > 0)
    digest = sha256Prefix({&t.system});
  else if (totalSize(t.first) > 0)
    digest = sha256Prefix({&t.first});
  return digest.empty() ? std::string() : scopedKey(key_id, "hash", digest);
}

std::string derive(const Request& req, WireFormat format, std::string_view key_id) {
  // Rule 1 needs no body: Claude Code always sends it, so its bodies are never parsed here.
  std::string_view claude = headerValue(req, "x-claude-code-session-id");
  if (!claude.empty()) return scopedKey(key_id, "claude-session", claude);

  // The NUL-terminated form lets RapidJSON use its SIMD scanners when the build enables them
  // (RAPIDJSON_SSE2/SSE42/NEON; ~10x on large bodies). A NUL would end the text early, so a body
  // holding one counts as malformed. Too deep a body gives no key (the route filter answers it).
  if (req.body.find('\0') != std::string::npos) return {};
  rapidjson::Document body;
  rapidjson::StringStream in(req.body.c_str());
  if (json::parseWithoutNumbers(in, body) != json::BoundedParse::kOk || !body.IsObject()) return {};

  if (std::string session = sessionFromUserId(body); !session.empty())
    return scopedKey(key_id, "user-id", session);
  if (std::string key = keyFromExplicitSessionId(req, body, key_id); !key.empty()) return key;
  return keyFromContentHash(body, format, key_id);
}

}  // namespace

std::string deriveSessionKey(const Request& req, WireFormat format, std::string_view key_id) {
  try {
    return derive(req, format, key_id);
  } catch (...) {  // only allocation failures can get here; no key is a safe answer
    return {};
  }
}

}  // namespace relay
