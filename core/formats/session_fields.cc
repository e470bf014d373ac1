#include "core/formats/session_fields.h"

namespace relay::formats {

namespace {

using json::JsonView;
using Texts = std::vector<std::string_view>;

// The skimmed root object, read like any other object.
class Root {
 public:
  explicit Root(const json::ObjectSkim& skim) : skim_(skim) {}
  JsonView member(std::string_view name) const { return JsonView(skim_.member(name)); }

 private:
  const json::ObjectSkim& skim_;
};

std::string_view headerValue(const Request& req, std::string_view name) {
  const std::string* v = req.headers.find(name);
  return v == nullptr ? std::string_view{} : std::string_view(*v);
}

// ---- rule 2: metadata.user_id ----

// Current Claude Code: a JSON string {"device_id":…,"account_uuid":…,"session_id":…}. A view into
// user_id; an id that holds escapes itself is decoded and appended to `scratch` after user_id.
std::string_view sessionFromJsonUserId(std::string_view user_id, std::string& scratch) {
  if (user_id.empty() || user_id.front() != '{') return {};
  json::ObjectSkim inner = json::skimObject(user_id, json::spareSkimMembers());
  if (!inner.ok) return {};
  JsonView id(inner.member("session_id"));
  std::string decoded;  // rare: a session id with escapes
  std::string_view value = id.stringIn(decoded);
  if (value.data() != decoded.data() || decoded.empty()) return value;
  // user_id may live in scratch (and moves if it grows): the id goes after it, and user_id is
  // not read again.
  size_t at = scratch.size();
  scratch.append(decoded);
  return std::string_view(scratch).substr(at);
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

// The user id (a JSON string holding JSON: decoded into `scratch`, whose memory is reused).
std::string_view userIdSession(const Root& body, std::string& scratch) {
  std::string_view user_id = body.member("metadata").member("user_id").stringIn(scratch);
  std::string_view session = sessionFromJsonUserId(user_id, scratch);
  if (!session.empty()) return session;
  return sessionFromLegacyUserId(user_id);
}

// ---- rule 3: explicit session ids of Codex and Code Assist ----

SessionId explicitId(const Request& req, const Root& body, std::string& scratch) {
  // session-id is the spelling third parties saw from Codex (PROTOCOLS.md C4).
  for (std::string_view name : {"session_id", "x-session-id", "session-id"}) {
    std::string_view v = headerValue(req, name);
    if (!v.empty()) return {"session-header", v};
  }
  if (std::string_view v = body.member("prompt_cache_key").stringIn(scratch); !v.empty())
    return {"prompt-cache-key", v};
  if (std::string_view v = body.member("client_metadata").member("session_id").stringIn(scratch);
      !v.empty())
    return {"client-metadata", v};
  if (std::string_view v = body.member("request").member("session_id").stringIn(scratch);
      !v.empty())
    return {"code-assist", v};
  return {};
}

// ---- rule 4: where the hashed texts sit ----

bool isCacheMarked(const JsonView& block) {
  JsonView cc = block.member("cache_control");
  return cc.present() && !cc.isNull();
}

// Content as a string, or as blocks/parts each carrying a "text" (Anthropic, OpenAI, Gemini).
void collectContent(const JsonView& content, Texts& out, Texts* marked, HashTexts& t) {
  if (content.isString()) {
    out.push_back(content.string(t.decoded));
    return;
  }
  json::ElementCursor blocks(content);
  JsonView block;
  while (blocks.next(&block)) {
    std::string_view text = block.member("text").string(t.decoded);
    if (text.empty()) continue;
    out.push_back(text);
    if (marked != nullptr && isCacheMarked(block)) marked->push_back(text);
  }
}

void collectAnthropic(const Root& body, HashTexts& t) {
  collectContent(body.member("system"), t.system, &t.cached, t);
  JsonView first = body.member("messages").firstElement();
  collectContent(first.member("content"), t.first, nullptr, t);
}

// Only the leading system/developer messages count, so later turns keep the same hash.
void collectOpenAIChat(const Root& body, HashTexts& t) {
  json::ElementCursor messages(body.member("messages"));
  JsonView m;
  while (messages.next(&m)) {
    std::string role = m.member("role").stringCopy();
    if (role != "system" && role != "developer") {
      collectContent(m.member("content"), t.first, nullptr, t);
      return;
    }
    collectContent(m.member("content"), t.system, &t.cached, t);
  }
}

void collectResponses(const Root& body, HashTexts& t) {
  collectContent(body.member("instructions"), t.system, nullptr, t);
  JsonView input = body.member("input");
  if (input.isString())
    t.first.push_back(input.string(t.decoded));
  else
    collectContent(input.firstElement().member("content"), t.first, nullptr, t);
}

// Reads the Gemini request at `root`: the body, or the Code Assist envelope's "request".
template <typename Object>
void collectGeminiRequest(const Object& root, HashTexts& t) {
  JsonView sys = root.member("systemInstruction");
  if (!sys.present()) sys = root.member("system_instruction");
  if (sys.isString())
    collectContent(sys, t.system, nullptr, t);
  else
    collectContent(sys.member("parts"), t.system, nullptr, t);
  JsonView first = root.member("contents").firstElement();
  collectContent(first.member("parts"), t.first, nullptr, t);
}

void collectGemini(const Root& body, HashTexts& t) {
  JsonView envelope = body.member("request");
  if (!body.member("contents").present() && envelope.isObject())
    collectGeminiRequest(envelope, t);
  else
    collectGeminiRequest(body, t);
}

}  // namespace

SessionId sessionFromHeaderOnly(const Request& req) {
  return {"claude-session", headerValue(req, "x-claude-code-session-id")};
}

SessionId sessionFromUserId(const json::ObjectSkim& body, std::string& scratch) {
  return {"user-id", userIdSession(Root(body), scratch)};
}

std::string sessionFromUserId(const json::ObjectSkim& body) {
  std::string scratch;
  return std::string(sessionFromUserId(body, scratch).value);
}

SessionId explicitSessionId(const Request& req, const json::ObjectSkim& body,
                            std::string& scratch) {
  return explicitId(req, Root(body), scratch);
}

void collectHashTexts(const json::ObjectSkim& body, WireFormat format, HashTexts& t) {
  Root root(body);
  switch (format) {
    case WireFormat::Anthropic:
      collectAnthropic(root, t);
      break;
    case WireFormat::OpenAIChat:
      collectOpenAIChat(root, t);
      break;
    case WireFormat::OpenAIResponses:
      collectResponses(root, t);
      break;
    case WireFormat::Gemini:
      collectGemini(root, t);
      break;
  }
}

}  // namespace relay::formats
