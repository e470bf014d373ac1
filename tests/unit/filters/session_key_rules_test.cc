// Rules 1-3 of the sticky-session key, their precedence, scoping and bad bodies.
#include <doctest/doctest.h>

#include "filters/sticky_session/session_key.h"
#include "session_key_test_util.h"

using namespace relay;
using relay::test::jsonRequest;

namespace {

// metadata.user_id as current Claude Code sends it: a JSON string holding an object.
constexpr const char* kJsonUserIdBody =
    R"({"model":"m","metadata":{"user_id":"{\"device_id\":\"dev-1\",\"account_uuid\":\"\",)"
    R"(\"session_id\":\"9b2e7c1a-0000-4000-8000-00000000aaaa\"}"},)"
    R"("prompt_cache_key":"pck-1","messages":[{"role":"user","content":"hi"}]})";

constexpr const char* kLegacyUserIdBody =
    R"({"metadata":{"user_id":"user_0a1b2c3d_account_11111111-2222-3333-4444-555555555555)"
    R"(_session_66666666-7777-8888-9999-000000000000"},"messages":[{"role":"user","content":"hi"}]})";

std::string key(const Request& req, WireFormat f = WireFormat::Anthropic,
                std::string_view key_id = "k1") {
  return deriveSessionKey(req, f, key_id);
}

}  // namespace

TEST_CASE("rule 1: x-claude-code-session-id wins over every body field") {
  auto req = jsonRequest(kJsonUserIdBody,
                         {{"X-Claude-Code-Session-Id", "cc-uuid"}, {"session_id", "codex-header"}});
  CHECK(key(req) == "k1:claude-session:cc-uuid");
}

TEST_CASE("rule 1 is decided from the header alone, even with a body that does not parse") {
  CHECK(key(jsonRequest("{not json", {{"x-claude-code-session-id", "s"}})) ==
        "k1:claude-session:s");
  CHECK(key(jsonRequest("", {{"x-claude-code-session-id", "s"}})) == "k1:claude-session:s");
}

TEST_CASE("an empty x-claude-code-session-id does not apply") {
  auto req = jsonRequest(kJsonUserIdBody, {{"x-claude-code-session-id", ""}});
  CHECK(key(req) == "k1:user-id:9b2e7c1a-0000-4000-8000-00000000aaaa");
}

TEST_CASE("rule 2: session_id of a JSON-string user_id beats Codex headers and body fields") {
  auto req = jsonRequest(kJsonUserIdBody, {{"session_id", "h"}, {"x-session-id", "x"}});
  CHECK(key(req) == "k1:user-id:9b2e7c1a-0000-4000-8000-00000000aaaa");
}

TEST_CASE("rule 2: the legacy user_<hex>_account_<uuid>_session_<uuid> form") {
  CHECK(key(jsonRequest(kLegacyUserIdBody)) == "k1:user-id:66666666-7777-8888-9999-000000000000");
  // API-key users had an empty account part.
  auto no_account = jsonRequest(R"({"metadata":{"user_id":"user_ff_account__session_abc-1"}})");
  CHECK(key(no_account) == "k1:user-id:abc-1");
}

TEST_CASE("rule 2 does not apply to other user_id shapes") {
  // An opaque id, as SDK users set it: no session in it, so the later rules decide.
  auto opaque = jsonRequest(R"({"metadata":{"user_id":"user-123"},"prompt_cache_key":"p"})");
  CHECK(key(opaque) == "k1:prompt-cache-key:p");
  // An object rather than a JSON string is not the documented form.
  auto object =
      jsonRequest(R"({"metadata":{"user_id":{"session_id":"s"}},"prompt_cache_key":"p"})");
  CHECK(key(object) == "k1:prompt-cache-key:p");
  // A JSON string without session_id, or with a non-string one.
  auto no_sid =
      jsonRequest(R"({"metadata":{"user_id":"{\"device_id\":\"d\"}"},"prompt_cache_key":"p"})");
  CHECK(key(no_sid) == "k1:prompt-cache-key:p");
  auto num_sid =
      jsonRequest(R"({"metadata":{"user_id":"{\"session_id\":7}"},"prompt_cache_key":"p"})");
  CHECK(key(num_sid) == "k1:prompt-cache-key:p");
  // _session_ without the user_/_account_ structure.
  auto loose = jsonRequest(R"({"metadata":{"user_id":"x_session_abc"},"prompt_cache_key":"p"})");
  CHECK(key(loose) == "k1:prompt-cache-key:p");
  auto bad_json = jsonRequest(R"({"metadata":{"user_id":"{broken"},"prompt_cache_key":"p"})");
  CHECK(key(bad_json) == "k1:prompt-cache-key:p");
}

TEST_CASE("rule 3: Codex session headers come first, session_id before x-session-id") {
  const char* body = R"({"prompt_cache_key":"pck","client_metadata":{"session_id":"cm"}})";
  CHECK(key(jsonRequest(body, {{"x-session-id", "x"}, {"session_id", "s"}}),
            WireFormat::OpenAIResponses) == "k1:session-header:s");
  CHECK(key(jsonRequest(body, {{"X-Session-Id", "x"}}), WireFormat::OpenAIResponses) ==
        "k1:session-header:x");
  CHECK(key(jsonRequest(body, {{"session-id", "d"}}), WireFormat::OpenAIResponses) ==
        "k1:session-header:d");
}

TEST_CASE("rule 3: prompt_cache_key, then client_metadata.session_id, then request.session_id") {
  const WireFormat f = WireFormat::OpenAIResponses;
  CHECK(key(jsonRequest(R"({"prompt_cache_key":"pck","client_metadata":{"session_id":"cm"},)"
                        R"("request":{"session_id":"ca"}})"),
            f) == "k1:prompt-cache-key:pck");
  CHECK(key(jsonRequest(R"({"client_metadata":{"session_id":"cm"},"request":{"session_id":"ca"}})"),
            f) == "k1:client-metadata:cm");
  CHECK(key(jsonRequest(R"({"model":"gemini-2.5-pro","project":"p","request":{"session_id":"ca",)"
                        R"("contents":[{"role":"user","parts":[{"text":"hi"}]}]}})"),
            WireFormat::Gemini) == "k1:code-assist:ca");
}

TEST_CASE("rule 3: empty or non-string values do not apply") {
  auto req = jsonRequest(R"({"prompt_cache_key":"","client_metadata":{"session_id":5},)"
                         R"("request":{"session_id":"ca"}})",
                         {{"session_id", ""}});
  CHECK(key(req, WireFormat::Gemini) == "k1:code-assist:ca");
}

TEST_CASE("keys are scoped per relay key; no key id scopes to '-'") {
  auto req = jsonRequest("{}", {{"x-claude-code-session-id", "same"}});
  CHECK(key(req, WireFormat::Anthropic, "alice") == "alice:claude-session:same");
  CHECK(key(req, WireFormat::Anthropic, "bob") == "bob:claude-session:same");
  CHECK(key(req, WireFormat::Anthropic, "") == "-:claude-session:same");
  CHECK(key(jsonRequest(kLegacyUserIdBody), WireFormat::Anthropic, "") ==
        "-:user-id:66666666-7777-8888-9999-000000000000");
}

TEST_CASE("malformed, empty and non-object bodies give no key") {
  for (const char* body :
       {"", "{", "{\"messages\":[}", "[]", "null", "\"text\"", "42", "{\"a\":1} trailing"}) {
    CAPTURE(body);
    CHECK(key(jsonRequest(body, {{"session_id", "s"}})) == "");
    CHECK(key(jsonRequest(body), WireFormat::OpenAIChat) == "");
  }
}

TEST_CASE("a body with an embedded NUL is malformed") {
  std::string body = R"({"prompt_cache_key":"p"})";
  CHECK(key(jsonRequest(body)) == "k1:prompt-cache-key:p");
  body += std::string("\0{}", 3);
  CHECK(key(jsonRequest(body)) == "");
}

TEST_CASE("a body with nothing to key on gives no key") {
  CHECK(key(jsonRequest("{}")) == "");
  CHECK(key(jsonRequest(R"({"model":"m","messages":[]})")) == "");
  CHECK(key(jsonRequest(R"({"messages":[{"role":"user","content":""}]})")) == "");
  CHECK(key(jsonRequest(R"({"messages":[{"role":"user","content":[{"type":"image"}]}]})")) == "");
  CHECK(key(jsonRequest(R"({"contents":[]})"), WireFormat::Gemini) == "");
  CHECK(key(jsonRequest(R"({"input":[]})"), WireFormat::OpenAIResponses) == "");
}

TEST_CASE("a body nested beyond 128 levels gives no key and no crash") {
  CHECK(key(jsonRequest(std::string(200 * 1024, '['))).empty());
  std::string deep =
      R"({"prompt_cache_key":"p","x":)" + std::string(128, '[') + std::string(128, ']') + "}";
  CHECK(key(jsonRequest(deep)).empty());
  std::string at_limit =
      R"({"prompt_cache_key":"p","x":)" + std::string(127, '[') + std::string(127, ']') + "}";
  CHECK(key(jsonRequest(at_limit)) == "k1:prompt-cache-key:p");
}

TEST_CASE("a user_id holding deep JSON falls through to the next rule") {
  std::string user_id = std::string(500, '{');
  std::string body = R"({"metadata":{"user_id":")" + user_id + R"("},"prompt_cache_key":"p"})";
  CHECK(key(jsonRequest(body)) == "k1:prompt-cache-key:p");
}

TEST_CASE("huge exponents do not reach RapidJSON's number conversion") {
  auto req = jsonRequest(R"({"max_tokens":0.000000000001e-2147483639,"t":-1e-99999999999999999999,)"
                         R"("prompt_cache_key":"p"})");
  CHECK(key(req) == "k1:prompt-cache-key:p");
  CHECK(key(jsonRequest(R"({"prompt_cache_key":5})")).empty());
}
