// Anthropic SSE -> Chat Completions chunks: golden output, byte-at-a-time equality, errors.
#include <doctest/doctest.h>

#include <string>

#include "stream_fixtures.h"
#include "translator_host.h"

using namespace openai_test;

namespace {

const std::string kChunkHead =
    R"(data: {"id":"chatcmpl-S1","object":"chat.completion.chunk","created":1700000000,)"
    R"("model":"claude-sonnet-4-5","choices":[{"index":0,"delta":)";

std::string chunk(const std::string& delta, const std::string& finish = "null",
                  bool usage_null = false) {
  return kChunkHead + delta + R"(,"logprobs":null,"finish_reason":)" + finish + "}]" +
         (usage_null ? R"(,"usage":null)" : "") + "}\n\n";
}
// With include_usage every chunk but the usage chunk says "usage":null.
std::string chunkU(const std::string& delta, const std::string& finish = "null") {
  return chunk(delta, finish, true);
}

std::string streamingRequest(bool include_usage) {
  return std::string(R"({"model":"claude-sonnet-4-5","stream":true,)") +
         (include_usage ? R"("stream_options":{"include_usage":true},)" : "") +
         R"("messages":[{"role":"user","content":"weather?"}]})";
}

}  // namespace

TEST_CASE("chat stream: thinking, text and a tool call with include_usage (golden)") {
  Translator t("openai-chat>anthropic");
  REQUIRE(t.request(streamingRequest(true), nullptr, 1) != "");
  std::string want =
      chunkU(R"({"role":"assistant","content":""})") +
      chunkU(R"({"reasoning_content":"Let me "})") + chunkU(R"({"reasoning_content":"check."})") +
      chunkU(R"({"content":"Héllo"})") +
      chunkU(R"({"tool_calls":[{"index":0,"id":"toolu_cs1","type":"function","function":)"
             R"({"name":"weather","arguments":""}}]})") +
      chunkU(R"({"tool_calls":[{"index":0,"function":{"arguments":"{\"city\": "}}]})") +
      chunkU(R"({"tool_calls":[{"index":0,"function":{"arguments":"\"Paris\"}"}}]})") +
      chunkU("{}", R"("tool_calls")") +
      R"(data: {"id":"chatcmpl-S1","object":"chat.completion.chunk","created":1700000000,)"
      R"("model":"claude-sonnet-4-5","choices":[],"usage":{"prompt_tokens":55,)"
      R"("completion_tokens":30,"total_tokens":85,"prompt_tokens_details":{"cached_tokens":40,)"
      R"("cache_write_tokens":3}}})"
      "\n\n"
      "data: [DONE]\n\n";
  CHECK(t.streamWhole(thinkingTextToolStream("toolu_cs1"), 1) == want);
}

TEST_CASE("chat stream: no usage chunk without include_usage") {
  Translator t("openai-chat>anthropic");
  REQUIRE(t.request(streamingRequest(false), nullptr, 2) != "");
  std::string out = t.streamWhole(thinkingTextToolStream("toolu_cs2"), 2);
  CHECK(out.find(R"("usage")") == std::string::npos);
  CHECK(out.find(chunk("{}", R"("tool_calls")") + "data: [DONE]\n\n") != std::string::npos);
}

TEST_CASE("chat stream: one byte at a time gives exactly the whole-feed output, LF and CRLF") {
  Translator t("openai-chat>anthropic");
  REQUIRE(t.request(streamingRequest(true), nullptr, 3) != "");
  for (const std::string& sse : {thinkingTextToolStream("toolu_cs3"), errorMidStream()}) {
    std::string whole = t.streamWhole(sse, 3);
    CHECK(!whole.empty());
    CHECK(t.streamBytewise(sse, 3) == whole);
    CHECK(t.streamWhole(withCrlf(sse), 3) == whole);
    CHECK(t.streamBytewise(withCrlf(sse), 3) == whole);
  }
}

TEST_CASE("chat stream: output leaves as each event completes, not at the end") {
  Translator t("openai-chat>anthropic");
  std::string sse = thinkingTextToolStream("toolu_cs4");
  recorded() = Recorded();
  relay_plugin_stream_t* s = plugin().stream_new(t.get(), request(4));
  size_t first_event_end = sse.find("\n\n") + 2;
  plugin().stream_data(s, {sse.data(), first_event_end - 1}, 0);
  CHECK(recorded().emitted.empty());  // the event is not complete yet
  plugin().stream_data(s, {sse.data() + first_event_end - 1, 1}, 0);
  CHECK(recorded().emitted.find(R"("role":"assistant")") != std::string::npos);
  plugin().stream_free(s);  // aborted mid-stream: freed without end
}

TEST_CASE("chat stream: an Anthropic error event becomes data: {\"error\": ...}") {
  Translator t("openai-chat>anthropic");
  std::string out = t.streamWhole(errorMidStream(), 5);
  std::string head =
      R"(data: {"id":"chatcmpl-E1","object":"chat.completion.chunk","created":1700000000,)"
      R"("model":"claude-sonnet-4-5","choices":[{"index":0,"delta":)";
  CHECK(out == head +
                   R"({"role":"assistant","content":""},"logprobs":null,"finish_reason":null}]})" +
                   "\n\n" + head +
                   R"({"content":"Hi"},"logprobs":null,"finish_reason":null}]})"
                   "\n\n"
                   R"(data: {"error":{"message":"Overloaded","type":"server_error","param":null,)"
                   R"("code":"overloaded"}})"
                   "\n\n");
}

TEST_CASE(
    "chat stream: an upstream stream that ends early or sends a broken event ends in an error") {
  Translator t("openai-chat>anthropic");
  std::string start = messageStartEvent("msg_C1");
  std::string delta = sseEvent(
      "content_block_delta",
      R"({"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}})");
  // Cut after a delta: no message_stop, no [DONE]; the client must not take it for a whole answer.
  std::string cut = t.streamWhole(start + delta, 6);
  CHECK(cut.find(R"("content":"Hi")") != std::string::npos);
  CHECK(cut.find("[DONE]") == std::string::npos);
  CHECK(cut.find(
            R"(data: {"error":{"message":"the upstream stream ended before its message did",)") !=
        std::string::npos);
  // An event that is not JSON: an error at once, and nothing of what follows.
  std::string broken = t.streamWhole(sseEvent("message_start", "{not json at all") + delta, 7);
  CHECK(
      broken.rfind(
          R"(data: {"error":{"message":"the upstream sent a stream event that is not a JSON object",)",
          0) == 0);
  CHECK(broken.find("Hi") == std::string::npos);
  // Plain JSON where events were expected: no event at all, then the end.
  std::string plain = t.streamWhole(R"({"id":"msg_1","type":"message","content":[]})", 4);
  CHECK(plain.find(R"(data: {"error":)") == 0);
  // A stream the upstream ended with its own error event gets no second one.
  std::string whole = t.streamWhole(errorMidStream(), 5);
  CHECK(whole.find("the upstream stream ended") == std::string::npos);
}
