// Rule 4 of the sticky-session key: the content hash and its fallbacks, in every wire format.
#include <doctest/doctest.h>

#include "filters/sticky_session/session_key.h"
#include "session_key_test_util.h"

using namespace relay;
using relay::test::jsonRequest;
using relay::test::sha32;

namespace {

std::string key(std::string body, WireFormat f, std::string_view key_id = "k1") {
  return deriveSessionKey(jsonRequest(std::move(body)), f, key_id);
}

std::string hashKey(std::string_view text, std::string_view key_id = "k1") {
  return std::string(key_id) + ":hash:" + sha32(text);
}

constexpr const char* kCachedSystemBody =
    R"({"system":[{"type":"text","text":"x-billing: v=1;"},)"
    R"({"type":"text","text":"You are a careful reviewer.","cache_control":{"type":"ephemeral"}},)"
    R"({"type":"text","text":"Follow the house style.","cache_control":{"type":"ephemeral","ttl":"1h"}}],)"
    R"("messages":[{"role":"user","content":"Review this diff please."},)"
    R"({"role":"assistant","content":"ok"}]})";

}  // namespace

TEST_CASE("Anthropic: cache_control system blocks plus the first message (digest from sha256sum)") {
  // printf '%s' 'You are a careful reviewer.Follow the house style.Review this diff please.'
  //   | sha256sum | cut -c1-32
  CHECK(key(kCachedSystemBody, WireFormat::Anthropic) ==
        "k1:hash:8c360c1b2c1027e2e25573082384f41e");
  CHECK(key(kCachedSystemBody, WireFormat::Anthropic, "") ==
        "-:hash:8c360c1b2c1027e2e25573082384f41e");
}

TEST_CASE("Anthropic: later turns and unmarked system blocks do not move the hash") {
  std::string later =
      R"({"system":[{"type":"text","text":"x-billing: v=2; cch=77;"},)"
      R"({"type":"text","text":"You are a careful reviewer.","cache_control":{"type":"ephemeral"}},)"
      R"({"type":"text","text":"Follow the house style.","cache_control":{"type":"ephemeral"}}],)"
      R"("messages":[{"role":"user","content":"Review this diff please."},)"
      R"({"role":"assistant","content":"done"},{"role":"user","content":"thanks"}]})";
  CHECK(key(later, WireFormat::Anthropic) == key(kCachedSystemBody, WireFormat::Anthropic));
}

TEST_CASE("Anthropic: cache_control null does not mark a block") {
  std::string body = R"({"system":[{"type":"text","text":"A.","cache_control":null},)"
                     R"({"type":"text","text":"B."}],"messages":[{"role":"user","content":"Q"}]})";
  CHECK(key(body, WireFormat::Anthropic) == hashKey("A.B."));
}

TEST_CASE("Anthropic: without marked blocks, the whole system text alone") {
  CHECK(key(R"({"system":"Be brief.","messages":[{"role":"user","content":"Q1"}]})",
            WireFormat::Anthropic) == hashKey("Be brief."));
  // The first message does not take part: another first message, same key.
  CHECK(key(R"({"system":"Be brief.","messages":[{"role":"user","content":"Q2"}]})",
            WireFormat::Anthropic) == hashKey("Be brief."));
  CHECK(key(R"({"system":[{"type":"text","text":"One. "},{"type":"text","text":"Two."}],)"
            R"("messages":[{"role":"user","content":"Q"}]})",
            WireFormat::Anthropic) == hashKey("One. Two."));
}

TEST_CASE("Anthropic: without system, the first message's text blocks (digest from sha256sum)") {
  std::string body =
      R"({"messages":[{"role":"user","content":[{"type":"text","text":"Hello"},)"
      R"({"type":"image","source":{"type":"base64","media_type":"image/png","data":"AA=="}},)"
      R"({"type":"text","text":" there"}]},{"role":"assistant","content":"hi"}]})";
  // printf '%s' 'Hello there' | sha256sum | cut -c1-32
  CHECK(key(body, WireFormat::Anthropic) == "k1:hash:4e47826698bb4630fb4451010062fadb");
  CHECK(key(R"({"system":"","messages":[{"role":"user","content":"Hello there"}]})",
            WireFormat::Anthropic) == "k1:hash:4e47826698bb4630fb4451010062fadb");
}

TEST_CASE("Anthropic: marked blocks count even when the first message has no text") {
  std::string body =
      R"({"system":[{"type":"text","text":"S","cache_control":{"type":"ephemeral"}}],)"
      R"("messages":[{"role":"user","content":[{"type":"image"}]}]})";
  CHECK(key(body, WireFormat::Anthropic) == hashKey("S"));
}

TEST_CASE("OpenAI Chat: leading system/developer messages play the system's role") {
  std::string marked =
      R"({"messages":[{"role":"system","content":[{"type":"text","text":"Sys A.","cache_control":{"type":"ephemeral"}},)"
      R"({"type":"text","text":"Sys B."}]},{"role":"developer","content":"Dev."},)"
      R"({"role":"user","content":[{"type":"text","text":"Ask"}]}]})";
  CHECK(key(marked, WireFormat::OpenAIChat) == hashKey("Sys A.Ask"));

  std::string plain =
      R"({"messages":[{"role":"system","content":"Sys."},{"role":"developer",)"
      R"("content":[{"type":"text","text":"Dev."}]},{"role":"user","content":"Ask"},)"
      R"({"role":"system","content":"late note"}]})";
  CHECK(key(plain, WireFormat::OpenAIChat) == hashKey("Sys.Dev."));

  CHECK(
      key(R"({"messages":[{"role":"user","content":"Just ask"},{"role":"assistant","content":"x"}]})",
          WireFormat::OpenAIChat) == hashKey("Just ask"));
}

TEST_CASE("OpenAI Responses: instructions, else the first input item") {
  CHECK(key(R"({"instructions":"You are Codex.","input":"hi"})", WireFormat::OpenAIResponses) ==
        hashKey("You are Codex."));
  CHECK(key(R"({"input":"plain prompt"})", WireFormat::OpenAIResponses) == hashKey("plain prompt"));
  std::string items =
      R"({"input":[{"type":"message","role":"developer","content":[)"
      R"({"type":"input_text","text":"Dev part 1 "},{"type":"input_text","text":"part 2"}]},)"
      R"({"type":"message","role":"user","content":"later"}]})";
  CHECK(key(items, WireFormat::OpenAIResponses) == hashKey("Dev part 1 part 2"));
  CHECK(key(R"({"input":[{"role":"user","content":"s"}]})", WireFormat::OpenAIResponses) ==
        hashKey("s"));
}

TEST_CASE("Gemini: systemInstruction, else the first contents entry") {
  CHECK(key(R"({"systemInstruction":{"parts":[{"text":"G1 "},{"text":"G2"}]},)"
            R"("contents":[{"role":"user","parts":[{"text":"q"}]}]})",
            WireFormat::Gemini) == hashKey("G1 G2"));
  CHECK(key(R"({"system_instruction":{"parts":[{"text":"snake"}]},"contents":[]})",
            WireFormat::Gemini) == hashKey("snake"));
  CHECK(key(R"({"contents":[{"role":"user","parts":[{"text":"first "},{"inlineData":{}},)"
            R"({"text":"turn"}]},{"role":"model","parts":[{"text":"x"}]}]})",
            WireFormat::Gemini) == hashKey("first turn"));
}

TEST_CASE("Gemini: a Code Assist envelope without session_id hashes its inner request") {
  CHECK(
      key(R"({"model":"gemini-2.5-pro","project":"p","request":{"systemInstruction":)"
          R"({"parts":[{"text":"Inner sys"}]},"contents":[{"role":"user","parts":[{"text":"q"}]}]}})",
          WireFormat::Gemini) == hashKey("Inner sys"));
}

TEST_CASE("the wire format decides where system and first message are read") {
  std::string body =
      R"({"system":"Anthropic sys","systemInstruction":{"parts":[{"text":"Gem sys"}]},)"
      R"("instructions":"Resp sys","messages":[{"role":"system","content":"Chat sys"}]})";
  CHECK(key(body, WireFormat::Anthropic) == hashKey("Anthropic sys"));
  CHECK(key(body, WireFormat::Gemini) == hashKey("Gem sys"));
  CHECK(key(body, WireFormat::OpenAIResponses) == hashKey("Resp sys"));
  CHECK(key(body, WireFormat::OpenAIChat) == hashKey("Chat sys"));
}

TEST_CASE("hash keys are scoped per relay key") {
  const char* body = R"({"system":"Same system"})";
  CHECK(key(body, WireFormat::Anthropic, "a") == hashKey("Same system", "a"));
  CHECK(key(body, WireFormat::Anthropic, "b") == hashKey("Same system", "b"));
  CHECK(key(body, WireFormat::Anthropic, "a") != key(body, WireFormat::Anthropic, "b"));
}

TEST_CASE("escaped keys and texts hash as their decoded values, wherever the members sit") {
  std::string plain = R"({"system":[{"type":"text","text":"Be exact.","cache_control":{}}],)"
                      R"("messages":[{"role":"user","content":"Caf\u00e9 \"ok\""}],"model":"m"})";
  std::string escaped =
      R"({"model":"m","m\u0065ssages":[{"role":"user","cont\u0065nt":"Caf\u00e9 \"ok\""}],)"
      R"("syst\u0065m":[{"type":"text","t\u0065xt":"Be \u0065xact.","cache_\u0063ontrol":{}}]})";
  std::string expected = hashKey("Be exact.Caf\xc3\xa9 \"ok\"");
  CHECK(key(plain, WireFormat::Anthropic) == expected);
  CHECK(key(escaped, WireFormat::Anthropic) == expected);
}

TEST_CASE("the chain's skim of the body is used when it describes that body, and only then") {
  Request req = jsonRequest(R"({"metadata":{"user_id":"user_ab_account__session_s-1"}})");
  json::ObjectSkim skim = json::skimObject(req.body);
  CHECK(deriveSessionKey(req, WireFormat::Anthropic, "k", &skim) == "k:user-id:s-1");
  // A skim of other text (a body replaced after the skim) is ignored: the body is read afresh.
  std::string other = R"({"metadata":{"user_id":"user_ab_account__session_other"}})";
  json::ObjectSkim stale = json::skimObject(other);
  CHECK(deriveSessionKey(req, WireFormat::Anthropic, "k", &stale) == "k:user-id:s-1");
}

TEST_CASE("the key is written into the caller's string, whose memory is reused") {
  Request req = jsonRequest(
      R"({"metadata":{"user_id":"{\"device_id\":\"d1\",\"account_uuid\":\"\",\"session_id\":\"7c8d1e2f-0000-4000-8000-000000000001\"}"}})");
  std::string key;
  key.reserve(128);
  const char* memory = key.data();
  deriveSessionKey(req, WireFormat::Anthropic, "team", nullptr, key);
  CHECK(key == "team:user-id:7c8d1e2f-0000-4000-8000-000000000001");
  CHECK(key.data() == memory);
  Request none = jsonRequest(R"({"messages":[]})");
  deriveSessionKey(none, WireFormat::Anthropic, "team", nullptr, key);
  CHECK(key.empty());  // no rule applied: the previous key is gone
}
