// Responses custom (freeform) tools, as Codex offers apply_patch: a one-string Anthropic tool
// on the way in, custom_tool_call items on the way out.
#include <doctest/doctest.h>

#include <string>

#include "stream_fixtures.h"
#include "translator_host.h"

using namespace openai_test;

namespace {

const std::string kRequest =
    R"({"model":"gpt-5-codex","stream":true,"input":[{"role":"user","content":"patch it"},)"
    R"({"type":"custom_tool_call","call_id":"toolu_c0","name":"apply_patch","input":"*** Begin Patch\n*** End Patch"},)"
    R"({"type":"custom_tool_call_output","call_id":"toolu_c0","output":"Done"}],)"
    R"("tools":[{"type":"custom","name":"apply_patch","description":"Edit files.",)"
    R"("format":{"type":"grammar","syntax":"lark","definition":"start: patch"}}]})";

const std::string kPatch = R"(*** Begin Patch\n*** Add File: a.txt\n+hi\n*** End Patch)";

std::string customCallStream() {
  return sseEvent("message_start",
                  R"({"type":"message_start","message":{"id":"msg_C1","model":"claude-sonnet-4-5",)"
                  R"("usage":{"input_tokens":3,"output_tokens":1}}})") +
         sseEvent("content_block_start",
                  R"({"type":"content_block_start","index":0,"content_block":{"type":"tool_use",)"
                  R"("id":"toolu_c1","name":"apply_patch","input":{}}})") +
         sseEvent("content_block_delta",
                  R"({"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta",)"
                  R"("partial_json":"{\"input\": \"*** Begin Patch\\n*** Add"}})") +
         sseEvent("content_block_delta",
                  R"({"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta",)"
                  R"("partial_json":" File: a.txt\\n+hi\\n*** End Patch\"}"}})") +
         sseEvent("content_block_stop", R"({"type":"content_block_stop","index":0})") +
         sseEvent(
             "message_delta",
             R"({"type":"message_delta","delta":{"stop_reason":"tool_use"},"usage":{"output_tokens":7}})") +
         sseEvent("message_stop", R"({"type":"message_stop"})");
}

}  // namespace

TEST_CASE("custom tools: definition and history become a one-string Anthropic tool") {
  Translator t("openai-responses>anthropic");
  CHECK(
      t.request(kRequest, nullptr, 1) ==
      R"({"model":"gpt-5-codex","max_tokens":8192,"messages":[{"role":"user","content":[)"
      R"({"type":"text","text":"patch it"}]},{"role":"assistant","content":[{"type":"tool_use",)"
      R"("id":"toolu_c0","name":"apply_patch","input":{"input":"*** Begin Patch\n*** End Patch"}}]},)"
      R"({"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_c0","content":[)"
      R"({"type":"text","text":"Done"}]}]}],"tools":[{"name":"apply_patch","description":)"
      R"("Edit files.\n\nPut the tool's free-form text input in the \"input\" string. The text )"
      R"(must follow this lark grammar:\nstart: patch","input_schema":{"type":"object",)"
      R"("properties":{"input":{"type":"string"}},"required":["input"]}}],"stream":true})");
}

TEST_CASE("custom tools: a streamed call becomes a custom_tool_call item with the text input") {
  Translator t("openai-responses>anthropic");
  REQUIRE(t.request(kRequest, nullptr, 1) != "");
  std::string out = t.streamWhole(customCallStream(), 1);
  std::string item =
      R"({"type":"custom_tool_call","id":"ctc_C1_0","call_id":"toolu_c1","name":"apply_patch",)"
      R"("input":")" +
      kPatch + R"(","status":"completed"})";
  CHECK(
      out.find(R"(event: response.output_item.added)"
               "\n"
               R"(data: {"type":"response.output_item.added","sequence_number":2,"output_index":0,)"
               R"("item":{"type":"custom_tool_call","id":"ctc_C1_0","call_id":"toolu_c1",)"
               R"("name":"apply_patch","input":"","status":"in_progress"}})") != std::string::npos);
  CHECK(out.find(R"({"type":"response.custom_tool_call_input.done","sequence_number":3,)"
                 R"("item_id":"ctc_C1_0","output_index":0,"input":")" +
                 kPatch + "\"}") != std::string::npos);
  CHECK(out.find(
            R"({"type":"response.output_item.done","sequence_number":4,"output_index":0,"item":)" +
            item + "}") != std::string::npos);
  CHECK(out.find(R"("output":[)" + item + "]") != std::string::npos);  // in response.completed
  CHECK(out.find("function_call") == std::string::npos);
  CHECK(t.streamBytewise(customCallStream(), 1) == out);
}

TEST_CASE("custom tools: a whole answer's call becomes a custom_tool_call item") {
  Translator t("openai-responses>anthropic");
  REQUIRE(t.request(kRequest, nullptr, 2) != "");
  std::string out = t.response(
      200,
      R"({"id":"msg_C2","type":"message","role":"assistant","model":"m","content":[)"
      R"({"type":"tool_use","id":"toolu_c2","name":"apply_patch","input":{"input":"x\ny"}}],)"
      R"("stop_reason":"tool_use","usage":{"input_tokens":1,"output_tokens":1}})",
      2);
  CHECK(out.find(R"("output":[{"type":"custom_tool_call","id":"ctc_C2_0","call_id":"toolu_c2",)"
                 R"("name":"apply_patch","input":"x\ny","status":"completed"}])") !=
        std::string::npos);
}
