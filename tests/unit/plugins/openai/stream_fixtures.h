// Anthropic event streams the streaming tests translate.
#ifndef RELAY_TESTS_UNIT_PLUGINS_OPENAI_STREAM_FIXTURES_H
#define RELAY_TESTS_UNIT_PLUGINS_OPENAI_STREAM_FIXTURES_H

#include <string>

namespace openai_test {

inline std::string sseEvent(const std::string& name, const std::string& data) {
  return "event: " + name + "\ndata: " + data + "\n\n";
}

// A bare message_start, for streams that stop short of their message's end.
inline std::string messageStartEvent(const std::string& id) {
  return sseEvent(
      "message_start",
      R"({"type":"message_start","message":{"id":")" + id +
          R"(","model":"claude-sonnet-4-5","usage":{"input_tokens":2,"output_tokens":1}}})");
}

// Thinking (signed), text, then a tool call; a ping in between; cache usage in message_start.
inline std::string thinkingTextToolStream(const std::string& tool_id) {
  return sseEvent(
             "message_start",
             R"({"type":"message_start","message":{"id":"msg_S1","type":"message",)"
             R"("role":"assistant","content":[],"model":"claude-sonnet-4-5","stop_reason":null,)"
             R"("stop_sequence":null,"usage":{"input_tokens":12,"cache_creation_input_tokens":3,)"
             R"("cache_read_input_tokens":40,"output_tokens":1}}})") +
         sseEvent(
             "content_block_start",
             R"({"type":"content_block_start","index":0,"content_block":{"type":"thinking","thinking":""}})") +
         sseEvent("ping", R"({"type": "ping"})") +
         sseEvent(
             "content_block_delta",
             R"({"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"Let me "}})") +
         sseEvent(
             "content_block_delta",
             R"({"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"check."}})") +
         sseEvent(
             "content_block_delta",
             R"({"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":"SIG=="}})") +
         sseEvent("content_block_stop", R"({"type":"content_block_stop","index":0})") +
         sseEvent(
             "content_block_start",
             R"({"type":"content_block_start","index":1,"content_block":{"type":"text","text":""}})") +
         sseEvent(
             "content_block_delta",
             R"({"type":"content_block_delta","index":1,"delta":{"type":"text_delta","text":"Héllo"}})") +
         sseEvent("content_block_stop", R"({"type":"content_block_stop","index":1})") +
         sseEvent("content_block_start",
                  R"({"type":"content_block_start","index":2,"content_block":{"type":"tool_use",)"
                  R"("id":")" +
                      tool_id + R"(","name":"weather","input":{}}})") +
         sseEvent(
             "content_block_delta",
             R"({"type":"content_block_delta","index":2,"delta":{"type":"input_json_delta","partial_json":""}})") +
         sseEvent("content_block_delta",
                  R"({"type":"content_block_delta","index":2,"delta":{"type":"input_json_delta",)"
                  R"("partial_json":"{\"city\": "}})") +
         sseEvent("content_block_delta",
                  R"({"type":"content_block_delta","index":2,"delta":{"type":"input_json_delta",)"
                  R"("partial_json":"\"Paris\"}"}})") +
         sseEvent("content_block_stop", R"({"type":"content_block_stop","index":2})") +
         sseEvent(
             "message_delta",
             R"({"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},)"
             R"("usage":{"output_tokens":30}})") +
         sseEvent("message_stop", R"({"type":"message_stop"})");
}

// Text, then an overloaded error after HTTP 200.
inline std::string errorMidStream() {
  return sseEvent(
             "message_start",
             R"({"type":"message_start","message":{"id":"msg_E1","type":"message",)"
             R"("role":"assistant","content":[],"model":"claude-sonnet-4-5","stop_reason":null,)"
             R"("usage":{"input_tokens":5,"output_tokens":1}}})") +
         sseEvent(
             "content_block_start",
             R"({"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}})") +
         sseEvent(
             "content_block_delta",
             R"({"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}})") +
         sseEvent("error",
                  R"({"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}})");
}

// The same bytes with CRLF line ends.
inline std::string withCrlf(const std::string& lf) {
  std::string out;
  for (char c : lf) {
    if (c == '\n') out += '\r';
    out += c;
  }
  return out;
}

}  // namespace openai_test

#endif
