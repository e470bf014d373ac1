// The session key of a ~85 KB body shaped like Claude Code's (PROTOCOLS.md part A).
#include <doctest/doctest.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "filters/sticky_session/session_key.h"
#include "session_key_test_util.h"

using namespace relay;
using relay::test::jsonRequest;
using relay::test::sha32;

namespace {

// `text` as a JSON string literal, escaped by RapidJSON's writer.
std::string quoted(std::string_view text) {
  rapidjson::StringBuffer out;
  rapidjson::Writer<rapidjson::StringBuffer> w(out);
  w.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
  return out.GetString();
}

constexpr const char* kSessionId = "2d4c8a10-5b6e-4f70-9a1b-c2d3e4f5a6b7";
constexpr const char* kIdentity = "You are Claude Code, Anthropic's official CLI for Claude.";
constexpr const char* kReminder = "<system-reminder>Today's date is 2026-03-01.</system-reminder>";
constexpr const char* kPrompt = "Fix the failing test in src/parser.cc";
constexpr const char* kCached = R"(,"cache_control":{"type":"ephemeral"})";

std::string repeat(std::string_view unit, size_t times) {
  std::string s;
  for (size_t i = 0; i < times; ++i) s.append(unit);
  return s;
}

const std::string& instructions() {
  static const std::string text =
      repeat("Use the dedicated tools; keep answers short; never guess file paths. ", 150);
  return text;
}

std::string textBlock(std::string_view text, bool cached) {
  return R"({"type":"text","text":)" + quoted(text) + (cached ? kCached : "") + "}";
}

std::string tools() {
  std::string description =
      quoted(repeat("Runs a step of the task and reports what changed. ", 58));
  std::string out = R"("tools":[)";
  for (int i = 0; i < 25; ++i) {
    if (i > 0) out += ",";
    out += R"({"name":"Tool)" + std::to_string(i) + R"(","description":)" + description +
           R"(,"input_schema":{"type":"object","properties":{"path":{"type":"string"}}}})";
  }
  return out + "]";
}

std::string messages() {
  return R"("messages":[{"role":"user","content":[)" + textBlock(kReminder, false) + "," +
         textBlock(kPrompt, true) + "]}," +
         R"({"role":"assistant","content":[{"type":"tool_use","id":"toolu_01","name":"Tool1",)"
         R"("input":{}}]},{"role":"system","content":"Mid-conversation system note."}])";
}

struct BodyOptions {
  bool with_user_id = true;
  std::string billing = "x-anthropic-billing-header: cc_version=2.1.197.a1b; cc_entrypoint=cli;";
};

std::string claudeCodeBody(const BodyOptions& opt) {
  std::string body = R"({"model":"claude-opus-4-8","max_tokens":64000,"stream":true,"system":[)";
  body += textBlock(opt.billing, false) + "," + textBlock(kIdentity, true) + "," +
          textBlock(instructions(), true) + "],";
  body += tools() + "," + messages() + R"(,"thinking":{"type":"adaptive"})";
  if (opt.with_user_id) {
    std::string user_id =
        std::string(R"({"device_id":"5f0e","account_uuid":"","session_id":")") + kSessionId + "\"}";
    body += R"(,"metadata":{"user_id":)" + quoted(user_id) + "}";
  }
  return body + "}";
}

}  // namespace

TEST_CASE("Claude Code body: the session header is used and the body is not needed") {
  std::string body = claudeCodeBody({});
  REQUIRE(body.size() >= 85000);
  REQUIRE(body.size() <= 100000);
  auto req = jsonRequest(
      body, {{"x-claude-code-session-id", kSessionId}, {"anthropic-version", "2023-06-01"}});
  CHECK(deriveSessionKey(req, WireFormat::Anthropic, "team") ==
        std::string("team:claude-session:") + kSessionId);
}

TEST_CASE("Claude Code body without the header: session_id from metadata.user_id") {
  auto req = jsonRequest(claudeCodeBody({}));
  CHECK(deriveSessionKey(req, WireFormat::Anthropic, "team") ==
        std::string("team:user-id:") + kSessionId);
}

TEST_CASE("Claude Code body without header or user_id: cached system blocks + first message") {
  BodyOptions opt;
  opt.with_user_id = false;
  auto req = jsonRequest(claudeCodeBody(opt));
  std::string expected = sha32(std::string(kIdentity) + instructions() + kReminder + kPrompt);
  CHECK(deriveSessionKey(req, WireFormat::Anthropic, "team") == "team:hash:" + expected);

  // The unmarked billing block changes per build; the key must not.
  opt.billing = "x-anthropic-billing-header: cc_version=2.1.198.zzz; cc_entrypoint=cli; cch=9;";
  CHECK(deriveSessionKey(jsonRequest(claudeCodeBody(opt)), WireFormat::Anthropic, "team") ==
        "team:hash:" + expected);
}
