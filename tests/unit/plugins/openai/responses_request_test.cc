// Responses request -> Anthropic Messages: golden pair with reasoning, function calls matched by
// call_id and images; the refusals.
#include <doctest/doctest.h>

#include <string>

#include "responses_request.h"
#include "translator_host.h"

using openai_test::Translator;

namespace {
const char* kResponses = "openai-responses>anthropic";
}

TEST_CASE("responses request: Codex-style history with reasoning and a function call (golden)") {
  Translator t(kResponses);
  // The reasoning item carries the signed block this relay handed out; it goes back as is.
  const std::string block =
      R"({"type":"thinking","thinking":"I should list.","signature":"c2ln+/=="})";
  const std::string encrypted = relay::openai::encodeThinkingBlock(block);
  std::string in = R"({"model":"gpt-5-codex","instructions":"You are Codex.","input":[
    {"type":"message","role":"developer","content":[{"type":"input_text","text":"Sandbox: none."}]},
    {"type":"message","role":"user","content":[{"type":"input_text","text":"List files"},
      {"type":"input_image","image_url":"data:image/jpeg;base64,/9j/4AAQ","detail":"auto"}]},
    {"type":"reasoning","id":"rs_1","summary":[{"type":"summary_text","text":"Think"}],
     "encrypted_content":")" +
                   encrypted + R"("},
    {"type":"function_call","id":"fc_1","call_id":"toolu_1","name":"shell",
     "arguments":"{\"command\":[\"ls\"]}"},
    {"type":"function_call_output","call_id":"toolu_1","output":"a.txt\nb.txt"},
    {"type":"message","role":"assistant","content":[{"type":"output_text","text":"Two files."}]},
    {"role":"user","content":"Thanks"}],
   "tools":[{"type":"function","name":"shell","description":"Run a command","strict":false,
     "parameters":{"type":"object","properties":{"command":{"type":"array","items":{"type":"string"}}}}},
     {"type":"web_search"}],
   "tool_choice":"auto","parallel_tool_calls":true,"reasoning":{"effort":"low","summary":"auto"},
   "store":false,"stream":true,"include":["reasoning.encrypted_content"],"prompt_cache_key":"k"})";
  std::string want =
      R"({"model":"gpt-5-codex","max_tokens":10240,)"
      R"("system":[{"type":"text","text":"You are Codex."},{"type":"text","text":"Sandbox: none."}],)"
      R"("messages":[{"role":"user","content":[{"type":"text","text":"List files"},)"
      R"({"type":"image","source":{"type":"base64","media_type":"image/jpeg","data":"/9j/4AAQ"}}]},)"
      R"({"role":"assistant","content":[)" +
      block +
      R"(,{"type":"tool_use","id":"toolu_1","name":"shell","input":{"command":["ls"]}}]},)"
      R"({"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1",)"
      R"("content":[{"type":"text","text":"a.txt\nb.txt"}]}]},)"
      R"({"role":"assistant","content":[{"type":"text","text":"Two files."}]},)"
      R"({"role":"user","content":[{"type":"text","text":"Thanks"}]}],)"
      R"("tools":[{"name":"shell","description":"Run a command","input_schema":{"type":"object",)"
      R"("properties":{"command":{"type":"array","items":{"type":"string"}}}}}],)"
      R"("tool_choice":{"type":"auto"},"thinking":{"type":"enabled","budget_tokens":2048},)"
      R"("stream":true})";
  CHECK(t.request(in) == want);
}

TEST_CASE(
    "responses request: thinking blocks survive the encrypted_content round trip byte for byte") {
  std::string block =
      R"({"type":"thinking","thinking":"multi\nline \"quoted\" \u00e9","signature":"EqQBCkYIBxgCKkA+/="})";
  std::string enc = relay::openai::encodeThinkingBlock(block);
  CHECK(relay::openai::decodeThinkingBlock(enc) == block);
  std::string redacted = R"({"type":"redacted_thinking","data":"EmwKAhgBEgy3va3pzix"})";
  CHECK(relay::openai::decodeThinkingBlock(relay::openai::encodeThinkingBlock(redacted)) ==
        redacted);
  // Someone else's encrypted_content (e.g. from OpenAI) is dropped: that turn goes without it.
  CHECK(relay::openai::decodeThinkingBlock("gAAAAABoOpenAIblob").empty());
  CHECK(relay::openai::decodeThinkingBlock(
            relay::openai::encodeThinkingBlock(R"({"type":"text","text":"x"})"))
            .empty());
  Translator t(kResponses);
  CHECK(t.request(R"({"model":"m","input":[{"type":"reasoning","id":"rs","summary":[],
      "encrypted_content":"gAAAAABoOpenAIblob"},{"role":"user","content":"hi"}]})") ==
        R"({"model":"m","max_tokens":8192,"messages":[{"role":"user","content":[)"
        R"({"type":"text","text":"hi"}]}]})");
}

TEST_CASE("responses request: string input, max_output_tokens, text.format, tool_choice function") {
  Translator t(kResponses);
  CHECK(
      t.request(R"({"model":"m","input":"hello","max_output_tokens":50,"top_p":0.5,
      "text":{"format":{"type":"json_schema","name":"r","schema":{"type":"object"},"strict":true}},
      "tools":[{"type":"function","name":"f","parameters":{"type":"object"}}],
      "tool_choice":{"type":"function","name":"f"},"reasoning":{"effort":"high"}})") ==
      R"({"model":"m","max_tokens":50,"system":[{"type":"text","text":"Respond with one valid )"
      R"(JSON value only, with no text around it, that conforms to this JSON Schema (\"r\"): )"
      R"({\"type\":\"object\"}"}],"messages":[{"role":"user","content":[)"
      R"({"type":"text","text":"hello"}]}],"tools":[{"name":"f","input_schema":{"type":"object"}}],)"
      R"("tool_choice":{"type":"tool","name":"f"},"top_p":0.5})");
}

TEST_CASE("responses request: function_call_output with content parts, merged outputs") {
  Translator t(kResponses);
  std::string out = t.request(R"({"model":"m","input":[
    {"type":"function_call","call_id":"a","name":"f","arguments":""},
    {"type":"function_call","call_id":"b","name":"f","arguments":"{}"},
    {"type":"function_call_output","call_id":"a","output":[{"type":"input_text","text":"one"},
      {"type":"input_image","image_url":"https://x.test/i.png"}]},
    {"type":"function_call_output","call_id":"b","output":"two"}]})");
  CHECK(
      out ==
      R"({"model":"m","max_tokens":8192,"messages":[{"role":"assistant","content":[)"
      R"({"type":"tool_use","id":"a","name":"f","input":{}},)"
      R"({"type":"tool_use","id":"b","name":"f","input":{}}]},)"
      R"({"role":"user","content":[{"type":"tool_result","tool_use_id":"a","content":[)"
      R"({"type":"text","text":"one"},{"type":"image","source":{"type":"url","url":"https://x.test/i.png"}}]},)"
      R"({"type":"tool_result","tool_use_id":"b","content":[{"type":"text","text":"two"}]}]}]})");
}

TEST_CASE("responses request: previous_response_id and other stored state are a 400") {
  Translator t(kResponses);
  struct Case {
    const char* body;
    const char* says;
  } cases[] = {
      {R"({"model":"m","input":"hi","previous_response_id":"resp_1"})", "previous_response_id"},
      {R"({"model":"m","input":"hi","conversation":"conv_1"})", "conversation"},
      {R"({"model":"m","input":"hi","top_logprobs":2})", "logprobs"},
      {R"({"model":"m","input":[{"type":"item_reference","id":"x"}]})", "item_reference"},
      {R"({"model":"m","input":[{"type":"function_call_output","output":"x"}]})", "call_id"},
      {R"({"model":"m"})", "input"},
  };
  for (const Case& c : cases) {
    relay_error_t err{};
    CHECK_MESSAGE(t.request(c.body, &err).empty(), c.body);
    CHECK(err.status == 400);
    CHECK_MESSAGE(std::string(err.message).find(c.says) != std::string::npos, err.message);
  }
}

TEST_CASE("responses request: strings keep every byte, embedded NULs included") {
  Translator t(kResponses);
  CHECK(t.request(R"({"model":"m","instructions":"x\u0000y","input":"a\u0000b"})") ==
        R"({"model":"m","max_tokens":8192,"system":[{"type":"text","text":"x\u0000y"}],)"
        R"("messages":[{"role":"user","content":[{"type":"text","text":"a\u0000b"}]}]})");
}
