#include "whole_response.h"

#include "json_support.h"
#include "openai_shapes.h"
#include "responses_request.h"

namespace relay::openai {

namespace {

using rapidjson::Value;

struct Message {
  rapidjson::Document doc;
  const Value* content = nullptr;
  std::string suffix;
  std::string model;
  std::string_view stop_reason;
  AnthropicUsage usage;
};

bool parseMessage(std::string_view body, const RequestFacts& facts, Message& m) {
  if (!parseUpstreamJson(body, m.doc) || !m.doc.IsObject()) return false;
  m.content = member(m.doc, "content");
  if (!m.content || !m.content->IsArray()) return false;
  m.suffix = idSuffix(stringOr(m.doc, "id"));
  m.model = std::string(stringOr(m.doc, "model", facts.model));
  m.stop_reason = stringOr(m.doc, "stop_reason", "end_turn");
  if (const Value* usage = member(m.doc, "usage")) m.usage.merge(*usage);
  return true;
}

void writeToolCall(JsonWriter& w, const Value& block) {
  w.StartObject();
  w.Key("id");
  writeString(w, stringOr(block, "id"));
  w.Key("type");
  w.String("function");
  w.Key("function");
  w.StartObject();
  w.Key("name");
  writeString(w, stringOr(block, "name"));
  w.Key("arguments");
  const Value* input = member(block, "input");
  writeString(w, input ? toJson(*input) : std::string("{}"));
  w.EndObject();
  w.EndObject();
}

}  // namespace

std::optional<std::string> chatCompletionFromMessage(std::string_view body,
                                                     const RequestFacts& facts, int64_t now_ms,
                                                     ThinkingCache& cache) {
  Message m;
  if (!parseMessage(body, facts, m)) return std::nullopt;
  std::string text, reasoning;
  std::vector<std::string> thinking_blocks, tool_ids;
  std::vector<const Value*> tool_uses;
  for (const Value& block : m.content->GetArray()) {
    std::string_view type = stringOr(block, "type");
    if (type == "text") {
      text += stringOr(block, "text");
    } else if (type == "thinking") {
      reasoning += stringOr(block, "thinking");
      thinking_blocks.push_back(toJson(block));
    } else if (type == "redacted_thinking") {
      thinking_blocks.push_back(toJson(block));
    } else if (type == "tool_use") {
      tool_uses.push_back(&block);
      tool_ids.emplace_back(stringOr(block, "id"));
    }
  }
  cache.put(tool_ids, std::move(thinking_blocks), now_ms);

  rapidjson::StringBuffer b;
  JsonWriter w(b);
  w.StartObject();
  w.Key("id");
  writeString(w, "chatcmpl-" + m.suffix);
  w.Key("object");
  w.String("chat.completion");
  w.Key("created");
  w.Int64(now_ms / 1000);
  w.Key("model");
  writeString(w, m.model);
  w.Key("choices");
  w.StartArray();
  w.StartObject();
  w.Key("index");
  w.Int(0);
  w.Key("message");
  w.StartObject();
  w.Key("role");
  w.String("assistant");
  w.Key("content");
  if (text.empty() && !tool_uses.empty()) {
    w.Null();
  } else {
    writeString(w, text);
  }
  if (!reasoning.empty()) {
    w.Key("reasoning_content");
    writeString(w, reasoning);
  }
  if (!tool_uses.empty()) {
    w.Key("tool_calls");
    w.StartArray();
    for (const Value* block : tool_uses) writeToolCall(w, *block);
    w.EndArray();
  }
  w.Key("refusal");
  w.Null();
  w.EndObject();
  w.Key("logprobs");
  w.Null();
  w.Key("finish_reason");
  writeString(w, chatFinishReason(m.stop_reason));
  w.EndObject();
  w.EndArray();
  w.Key("usage");
  writeChatUsage(w, m.usage);
  w.EndObject();
  return std::string(written(b));
}

std::optional<std::string> responseFromMessage(std::string_view body, const RequestFacts& facts,
                                               int64_t now_ms) {
  Message m;
  if (!parseMessage(body, facts, m)) return std::nullopt;
  std::vector<std::string> output;
  size_t index = 0;
  for (const Value& block : m.content->GetArray()) {
    std::string_view type = stringOr(block, "type");
    if (type == "text") {
      output.push_back(
          messageItem(itemId("msg_", m.suffix, index), "completed", stringOr(block, "text")));
    } else if (type == "thinking" || type == "redacted_thinking") {
      output.push_back(reasoningItem(itemId("rs_", m.suffix, index), stringOr(block, "thinking"),
                                     encodeThinkingBlock(toJson(block))));
    } else if (type == "tool_use" && facts.custom_tools.count(stringOr(block, "name"))) {
      const Value* input = member(block, "input");
      output.push_back(customToolCallItem(
          itemId("ctc_", m.suffix, index), stringOr(block, "id"), stringOr(block, "name"),
          input ? customToolInput(*input) : std::string(), "completed"));
    } else if (type == "tool_use") {
      const Value* input = member(block, "input");
      output.push_back(functionCallItem(itemId("fc_", m.suffix, index), stringOr(block, "id"),
                                        stringOr(block, "name"),
                                        input ? toJson(*input) : std::string("{}"), "completed"));
    }
    ++index;
  }
  ResponseSnapshot r;
  r.id = "resp_" + m.suffix;
  r.created_at = now_ms / 1000;
  r.model = m.model;
  r.status = responseStatus(m.stop_reason);
  if (r.status == "incomplete") r.incomplete_reason = "max_output_tokens";
  r.output = &output;
  r.usage = &m.usage;
  rapidjson::StringBuffer b;
  JsonWriter w(b);
  writeResponse(w, r);
  return std::string(written(b));
}

}  // namespace relay::openai
