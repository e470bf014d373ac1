// Anthropic SSE -> Responses API events: golden sequence, byte-at-a-time equality, reasoning
// round trip, incomplete and failed endings.
#include <doctest/doctest.h>

#include <string>

#include "responses_request.h"
#include "stream_fixtures.h"
#include "translator_host.h"

using namespace openai_test;

namespace {

std::string ev(const std::string& type, int seq, const std::string& fields) {
  return "event: " + type + "\ndata: {\"type\":\"" + type +
         "\",\"sequence_number\":" + std::to_string(seq) + (fields.empty() ? "" : "," + fields) +
         "}\n\n";
}

std::string response(const std::string& status, const std::string& output,
                     const std::string& usage) {
  return R"("response":{"id":"resp_S1","object":"response","created_at":1700000000,"status":")" +
         status +
         R"(","error":null,"incomplete_details":null,"model":"claude-sonnet-4-5","output":[)" +
         output + R"(],"usage":)" + usage + "}";
}

const std::string kThinking =
    R"({"type":"thinking","thinking":"Let me check.","signature":"SIG=="})";

}  // namespace

TEST_CASE("responses stream: reasoning, message and function call events (golden)") {
  Translator t("openai-responses>anthropic");
  REQUIRE(t.request(R"({"model":"claude-sonnet-4-5","input":"weather?","stream":true})", nullptr,
                    1) != "");
  std::string enc = relay::openai::encodeThinkingBlock(kThinking);
  std::string reasoning_done =
      R"({"type":"reasoning","id":"rs_S1_0","summary":[{"type":"summary_text",)"
      R"("text":"Let me check."}],"encrypted_content":")" +
      enc + R"("})";
  std::string message_done =
      R"({"type":"message","id":"msg_S1_1","status":"completed","role":"assistant",)"
      R"("content":[{"type":"output_text","text":"Héllo","annotations":[]}]})";
  std::string call_done =
      R"({"type":"function_call","id":"fc_S1_2","call_id":"toolu_rs1","name":"weather",)"
      R"("arguments":"{\"city\": \"Paris\"}","status":"completed"})";
  const std::string rs = R"("item_id":"rs_S1_0","output_index":0,"summary_index":0)";
  const std::string msg = R"("item_id":"msg_S1_1","output_index":1,"content_index":0)";
  const std::string fc = R"("item_id":"fc_S1_2","output_index":2)";
  std::string want =
      ev("response.created", 0, response("in_progress", "", "null")) +
      ev("response.in_progress", 1, response("in_progress", "", "null")) +
      ev("response.output_item.added", 2,
         R"("output_index":0,"item":{"type":"reasoning","id":"rs_S1_0","summary":[]})") +
      ev("response.reasoning_summary_part.added", 3,
         rs + R"(,"part":{"type":"summary_text","text":""})") +
      ev("response.reasoning_summary_text.delta", 4, rs + R"(,"delta":"Let me ")") +
      ev("response.reasoning_summary_text.delta", 5, rs + R"(,"delta":"check.")") +
      ev("response.reasoning_summary_text.done", 6, rs + R"(,"text":"Let me check.")") +
      ev("response.reasoning_summary_part.done", 7,
         rs + R"(,"part":{"type":"summary_text","text":"Let me check."})") +
      ev("response.output_item.done", 8, R"("output_index":0,"item":)" + reasoning_done) +
      ev("response.output_item.added", 9,
         R"("output_index":1,"item":{"type":"message","id":"msg_S1_1","status":"in_progress",)"
         R"("role":"assistant","content":[]})") +
      ev("response.content_part.added", 10,
         msg + R"(,"part":{"type":"output_text","text":"","annotations":[]})") +
      ev("response.output_text.delta", 11, msg + R"(,"delta":"Héllo","logprobs":[])") +
      ev("response.output_text.done", 12, msg + R"(,"text":"Héllo","logprobs":[])") +
      ev("response.content_part.done", 13,
         msg + R"(,"part":{"type":"output_text","text":"Héllo","annotations":[]})") +
      ev("response.output_item.done", 14, R"("output_index":1,"item":)" + message_done) +
      ev("response.output_item.added", 15,
         R"("output_index":2,"item":{"type":"function_call","id":"fc_S1_2","call_id":"toolu_rs1",)"
         R"("name":"weather","arguments":"","status":"in_progress"})") +
      ev("response.function_call_arguments.delta", 16, fc + R"(,"delta":"{\"city\": ")") +
      ev("response.function_call_arguments.delta", 17, fc + R"(,"delta":"\"Paris\"}")") +
      ev("response.function_call_arguments.done", 18,
         fc + R"(,"name":"weather","arguments":"{\"city\": \"Paris\"}")") +
      ev("response.output_item.done", 19, R"("output_index":2,"item":)" + call_done) +
      ev("response.completed", 20,
         response("completed", reasoning_done + "," + message_done + "," + call_done,
                  R"({"input_tokens":55,"input_tokens_details":{"cached_tokens":40,)"
                  R"("cache_write_tokens":3},"output_tokens":30,"output_tokens_details":)"
                  R"({"reasoning_tokens":0},"total_tokens":85})"));
  CHECK(t.streamWhole(thinkingTextToolStream("toolu_rs1"), 1) == want);
}

TEST_CASE("responses stream: one byte at a time gives exactly the whole-feed output, LF and CRLF") {
  Translator t("openai-responses>anthropic");
  for (const std::string& sse : {thinkingTextToolStream("toolu_rs2"), errorMidStream()}) {
    std::string whole = t.streamWhole(sse, 2);
    CHECK(!whole.empty());
    CHECK(t.streamBytewise(sse, 2) == whole);
    CHECK(t.streamWhole(withCrlf(sse), 2) == whole);
    CHECK(t.streamBytewise(withCrlf(sse), 2) == whole);
  }
}

TEST_CASE("responses stream: the reasoning item sent back reaches Anthropic byte for byte") {
  Translator t("openai-responses>anthropic");
  std::string out = t.streamWhole(thinkingTextToolStream("toolu_rs3"), 3);
  std::string key = R"("encrypted_content":")";
  size_t at = out.find(key);
  REQUIRE(at != std::string::npos);
  std::string enc = out.substr(at + key.size(), out.find('"', at + key.size()) - at - key.size());
  std::string body = t.request(
      R"({"model":"m","reasoning":{"effort":"low"},"input":[{"role":"user","content":"weather?"},)"
      R"({"type":"reasoning","id":"rs_S1_0","summary":[],"encrypted_content":")" +
          enc +
          R"("},{"type":"function_call","call_id":"toolu_rs3","name":"weather","arguments":"{\"city\": \"Paris\"}"},)"
          R"({"type":"function_call_output","call_id":"toolu_rs3","output":"sunny"}]})",
      nullptr, 3);
  CHECK(body.find(R"({"role":"assistant","content":[)" + kThinking +
                  R"(,{"type":"tool_use","id":"toolu_rs3")") != std::string::npos);
}

TEST_CASE(
    "responses stream: max_tokens ends with response.incomplete, an error with response.failed") {
  Translator t("openai-responses>anthropic");
  std::string cut =
      sseEvent("message_start",
               R"({"type":"message_start","message":{"id":"msg_S1","model":"claude-sonnet-4-5",)"
               R"("usage":{"input_tokens":2,"output_tokens":1}}})") +
      sseEvent(
          "message_delta",
          R"({"type":"message_delta","delta":{"stop_reason":"max_tokens"},"usage":{"output_tokens":9}})") +
      sseEvent("message_stop", R"({"type":"message_stop"})");
  std::string out = t.streamWhole(cut, 4);
  CHECK(out.find("event: response.incomplete\n") != std::string::npos);
  CHECK(out.find(R"("incomplete_details":{"reason":"max_output_tokens"})") != std::string::npos);
  CHECK(out.find("response.completed") == std::string::npos);

  std::string failed = t.streamWhole(errorMidStream(), 4);
  CHECK(failed.find("event: response.output_text.delta\n") != std::string::npos);
  CHECK(failed.find("event: error\n"
                    R"(data: {"type":"error","sequence_number":5,"code":"overloaded",)"
                    R"("message":"Overloaded","param":null})") != std::string::npos);
  CHECK(failed.find("event: response.failed\n") != std::string::npos);
  CHECK(failed.find(R"("status":"failed","error":{"code":"overloaded","message":"Overloaded"})") !=
        std::string::npos);
  CHECK(failed.find("response.completed") == std::string::npos);
}

TEST_CASE("responses stream: an upstream stream that ends before its message fails the response") {
  Translator t("openai-responses>anthropic");
  std::string start = messageStartEvent("msg_R1");
  std::string out = t.streamWhole(start, 5);
  CHECK(out.find("event: response.failed\n") != std::string::npos);
  CHECK(out.find("the upstream stream ended before its message did") != std::string::npos);
  CHECK(out.find("response.completed") == std::string::npos);
  std::string broken = t.streamWhole(start + sseEvent("content_block_start", "{oops"), 6);
  CHECK(broken.find("event: response.failed\n") != std::string::npos);
  CHECK(broken.find("not a JSON object") != std::string::npos);
}
