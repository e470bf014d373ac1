// Whole Anthropic messages -> chat.completion / response objects; errors in OpenAI's shape.
#include <doctest/doctest.h>

#include <string>

#include "responses_request.h"
#include "translator_host.h"

using openai_test::Translator;

namespace {

const std::string kMessage =
    R"({"id":"msg_01ABC","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929",)"
    R"("content":[{"type":"thinking","thinking":"Need weather.","signature":"sig1"},)"
    R"({"type":"text","text":"Checking."},)"
    R"({"type":"tool_use","id":"toolu_whole_9","name":"weather","input":{"city":"Paris"}}],)"
    R"("stop_reason":"tool_use","stop_sequence":null,"usage":{"input_tokens":10,)"
    R"("cache_creation_input_tokens":5,"cache_read_input_tokens":100,"output_tokens":20}})";

}  // namespace

TEST_CASE("whole response: an Anthropic message becomes a chat.completion (golden)") {
  Translator t("openai-chat>anthropic");
  CHECK(
      t.response(200, kMessage) ==
      R"({"id":"chatcmpl-01ABC","object":"chat.completion","created":1700000000,)"
      R"("model":"claude-sonnet-4-5-20250929","choices":[{"index":0,"message":{"role":"assistant",)"
      R"("content":"Checking.","reasoning_content":"Need weather.","tool_calls":[{"id":"toolu_whole_9",)"
      R"("type":"function","function":{"name":"weather","arguments":"{\"city\":\"Paris\"}"}}],)"
      R"("refusal":null},"logprobs":null,"finish_reason":"tool_calls"}],)"
      R"("usage":{"prompt_tokens":115,"completion_tokens":20,"total_tokens":135,)"
      R"("prompt_tokens_details":{"cached_tokens":100,"cache_write_tokens":5}}})");
}

TEST_CASE("whole response: an Anthropic message becomes a response object (golden)") {
  Translator t("openai-responses>anthropic");
  std::string encrypted = relay::openai::encodeThinkingBlock(
      R"({"type":"thinking","thinking":"Need weather.","signature":"sig1"})");
  CHECK(
      t.response(200, kMessage) ==
      R"({"id":"resp_01ABC","object":"response","created_at":1700000000,"status":"completed",)"
      R"("error":null,"incomplete_details":null,"model":"claude-sonnet-4-5-20250929","output":[)"
      R"({"type":"reasoning","id":"rs_01ABC_0","summary":[{"type":"summary_text",)"
      R"("text":"Need weather."}],"encrypted_content":")" +
          encrypted +
          R"("},{"type":"message","id":"msg_01ABC_1","status":"completed","role":"assistant",)"
          R"("content":[{"type":"output_text","text":"Checking.","annotations":[]}]},)"
          R"({"type":"function_call","id":"fc_01ABC_2","call_id":"toolu_whole_9","name":"weather",)"
          R"("arguments":"{\"city\":\"Paris\"}","status":"completed"}],)"
          R"("usage":{"input_tokens":115,"input_tokens_details":{"cached_tokens":100,)"
          R"("cache_write_tokens":5},"output_tokens":20,"output_tokens_details":)"
          R"({"reasoning_tokens":0},"total_tokens":135}})");
}

TEST_CASE("whole response: stop reasons") {
  std::string cut =
      R"({"id":"msg_2","type":"message","role":"assistant","model":"m","content":[)"
      R"({"type":"text","text":"Once upon"}],"stop_reason":"max_tokens","usage":{"input_tokens":1,"output_tokens":2}})";
  Translator chat("openai-chat>anthropic");
  CHECK(chat.response(200, cut).find(R"("finish_reason":"length")") != std::string::npos);
  Translator responses("openai-responses>anthropic");
  std::string r = responses.response(200, cut);
  CHECK(r.find(R"("status":"incomplete")") != std::string::npos);
  CHECK(r.find(R"("incomplete_details":{"reason":"max_output_tokens"})") != std::string::npos);
  std::string plain =
      R"({"id":"msg_3","type":"message","role":"assistant","model":"m","content":[)"
      R"({"type":"text","text":"Hi"}],"stop_reason":"end_turn","usage":{"input_tokens":1,"output_tokens":2}})";
  std::string c = chat.response(200, plain);
  CHECK(c.find(R"("content":"Hi")") != std::string::npos);
  CHECK(c.find(R"("finish_reason":"stop")") != std::string::npos);
  CHECK(c.find("tool_calls") == std::string::npos);
}

TEST_CASE("errors: Anthropic error bodies become OpenAI's shape") {
  Translator t("openai-chat>anthropic");
  CHECK(t.error(429, R"({"type":"error","error":{"type":"rate_limit_error","message":"Slow down"},)"
                     R"("request_id":"req_1"})") ==
        R"({"error":{"message":"Slow down","type":"rate_limit_exceeded","param":null,)"
        R"("code":"rate_limit_exceeded"}})");
  CHECK(t.error(400, R"({"type":"error","error":{"type":"invalid_request_error",)"
                     R"("message":"prompt is too long: 210000 tokens > 200000 maximum"}})") ==
        R"({"error":{"message":"prompt is too long: 210000 tokens > 200000 maximum",)"
        R"("type":"invalid_request_error","param":null,"code":"context_length_exceeded"}})");
  CHECK(
      t.error(529,
              R"({"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}})") ==
      R"({"error":{"message":"Overloaded","type":"server_error","param":null,"code":"overloaded"}})");
  CHECK(
      t.error(401,
              R"({"type":"error","error":{"type":"authentication_error","message":"bad key"}})") ==
      R"({"error":{"message":"bad key","type":"authentication_error","param":null,)"
      R"("code":"invalid_api_key"}})");
  CHECK(t.error(502, "<html>Bad gateway</html>") ==
        R"({"error":{"message":"upstream answered with status 502","type":"server_error",)"
        R"("param":null,"code":null}})");
  // translate_response hands a non-2xx answer to the error path.
  Translator r("openai-responses>anthropic");
  CHECK(r.response(403, R"({"type":"error","error":{"type":"permission_error","message":"no"}})") ==
        R"({"error":{"message":"no","type":"permission_error","param":null,"code":null}})");
}
