#include "openai_shapes.h"

namespace relay::openai {

void AnthropicUsage::merge(const rapidjson::Value& usage) {
  if (!usage.IsObject()) return;
  input = uintOr(usage, "input_tokens", input);
  output = uintOr(usage, "output_tokens", output);
  cache_creation = uintOr(usage, "cache_creation_input_tokens", cache_creation);
  cache_read = uintOr(usage, "cache_read_input_tokens", cache_read);
}

void readMessageDelta(const rapidjson::Value& data, std::string* stop_reason,
                      AnthropicUsage* usage) {
  if (const rapidjson::Value* delta = member(data, "delta"))
    *stop_reason = std::string(stringOr(*delta, "stop_reason", *stop_reason));
  if (const rapidjson::Value* u = member(data, "usage")) usage->merge(*u);
}

void writeChatUsage(JsonWriter& w, const AnthropicUsage& u) {
  w.StartObject();
  w.Key("prompt_tokens");
  w.Uint64(u.promptTotal());
  w.Key("completion_tokens");
  w.Uint64(u.output);
  w.Key("total_tokens");
  w.Uint64(u.promptTotal() + u.output);
  w.Key("prompt_tokens_details");
  w.StartObject();
  w.Key("cached_tokens");
  w.Uint64(u.cache_read);
  w.Key("cache_write_tokens");
  w.Uint64(u.cache_creation);
  w.EndObject();
  w.EndObject();
}

void writeResponsesUsage(JsonWriter& w, const AnthropicUsage& u) {
  w.StartObject();
  w.Key("input_tokens");
  w.Uint64(u.promptTotal());
  w.Key("input_tokens_details");
  w.StartObject();
  w.Key("cached_tokens");
  w.Uint64(u.cache_read);
  w.Key("cache_write_tokens");
  w.Uint64(u.cache_creation);
  w.EndObject();
  w.Key("output_tokens");
  w.Uint64(u.output);
  w.Key("output_tokens_details");
  w.StartObject();
  w.Key("reasoning_tokens");
  w.Uint64(0);  // Anthropic does not report thinking tokens separately
  w.EndObject();
  w.Key("total_tokens");
  w.Uint64(u.promptTotal() + u.output);
  w.EndObject();
}

std::string thinkingBlock(std::string_view thinking, std::string_view signature) {
  rapidjson::StringBuffer b;
  JsonWriter w(b);
  w.StartObject();
  w.Key("type");
  w.String("thinking");
  w.Key("thinking");
  writeString(w, thinking);
  w.Key("signature");
  writeString(w, signature);
  w.EndObject();
  return std::string(written(b));
}

std::string_view chatFinishReason(std::string_view stop_reason) {
  if (stop_reason == "max_tokens" || stop_reason == "model_context_window_exceeded")
    return "length";
  if (stop_reason == "tool_use") return "tool_calls";
  if (stop_reason == "refusal") return "content_filter";
  return "stop";
}

std::string idSuffix(std::string_view upstream_id) {
  if (upstream_id.substr(0, 4) == "msg_") upstream_id.remove_prefix(4);
  return upstream_id.empty() ? std::string("relay") : std::string(upstream_id);
}

std::string itemId(std::string_view prefix, std::string_view suffix, size_t index) {
  return std::string(prefix) + std::string(suffix) + "_" + std::to_string(index);
}

namespace {

void writeTextPart(JsonWriter& w, std::string_view text) {
  w.StartObject();
  w.Key("type");
  w.String("output_text");
  w.Key("text");
  writeString(w, text);
  w.Key("annotations");
  w.StartArray();
  w.EndArray();
  w.EndObject();
}

void startMessage(JsonWriter& w, std::string_view id, std::string_view status) {
  w.StartObject();
  w.Key("type");
  w.String("message");
  w.Key("id");
  writeString(w, id);
  w.Key("status");
  writeString(w, status);
  w.Key("role");
  w.String("assistant");
  w.Key("content");
  w.StartArray();
}

// A Responses tool call item; input_key names what the model passed: "arguments" (a function's
// JSON) or "input" (a custom tool's text).
std::string toolCallItem(const char* type, std::string_view id, std::string_view call_id,
                         std::string_view name, const char* input_key, std::string_view input,
                         std::string_view status) {
  rapidjson::StringBuffer b;
  JsonWriter w(b);
  w.StartObject();
  w.Key("type");
  w.String(type);
  w.Key("id");
  writeString(w, id);
  w.Key("call_id");
  writeString(w, call_id);
  w.Key("name");
  writeString(w, name);
  w.Key(input_key);
  writeString(w, input);
  w.Key("status");
  writeString(w, status);
  w.EndObject();
  return std::string(written(b));
}

}  // namespace

std::string messageItem(std::string_view id, std::string_view status, std::string_view text) {
  rapidjson::StringBuffer b;
  JsonWriter w(b);
  startMessage(w, id, status);
  writeTextPart(w, text);
  w.EndArray();
  w.EndObject();
  return std::string(written(b));
}

std::string messageItemShell(std::string_view id) {
  rapidjson::StringBuffer b;
  JsonWriter w(b);
  startMessage(w, id, "in_progress");
  w.EndArray();
  w.EndObject();
  return std::string(written(b));
}

std::string outputTextPart(std::string_view text) {
  rapidjson::StringBuffer b;
  JsonWriter w(b);
  writeTextPart(w, text);
  return std::string(written(b));
}

std::string reasoningItem(std::string_view id, std::string_view summary,
                          std::string_view encrypted_content) {
  rapidjson::StringBuffer b;
  JsonWriter w(b);
  w.StartObject();
  w.Key("type");
  w.String("reasoning");
  w.Key("id");
  writeString(w, id);
  w.Key("summary");
  w.StartArray();
  if (!summary.empty()) {
    w.StartObject();
    w.Key("type");
    w.String("summary_text");
    w.Key("text");
    writeString(w, summary);
    w.EndObject();
  }
  w.EndArray();
  if (!encrypted_content.empty()) {
    w.Key("encrypted_content");
    writeString(w, encrypted_content);
  }
  w.EndObject();
  return std::string(written(b));
}

std::string functionCallItem(std::string_view id, std::string_view call_id, std::string_view name,
                             std::string_view arguments, std::string_view status) {
  return toolCallItem("function_call", id, call_id, name, "arguments", arguments, status);
}

std::string customToolCallItem(std::string_view id, std::string_view call_id, std::string_view name,
                               std::string_view input, std::string_view status) {
  return toolCallItem("custom_tool_call", id, call_id, name, "input", input, status);
}

std::string customToolInput(const rapidjson::Value& input) {
  if (std::optional<std::string_view> text = stringMember(input, "input"))
    return std::string(*text);
  return input.IsString() ? std::string(input.GetString(), input.GetStringLength()) : toJson(input);
}

void writeResponse(JsonWriter& w, const ResponseSnapshot& r) {
  w.StartObject();
  w.Key("id");
  writeString(w, r.id);
  w.Key("object");
  w.String("response");
  w.Key("created_at");
  w.Int64(r.created_at);
  w.Key("status");
  writeString(w, r.status);
  w.Key("error");
  if (r.error_message.empty() && r.error_code.empty()) {
    w.Null();
  } else {
    w.StartObject();
    w.Key("code");
    writeString(w, r.error_code);
    w.Key("message");
    writeString(w, r.error_message);
    w.EndObject();
  }
  w.Key("incomplete_details");
  if (r.incomplete_reason.empty()) {
    w.Null();
  } else {
    w.StartObject();
    w.Key("reason");
    writeString(w, r.incomplete_reason);
    w.EndObject();
  }
  w.Key("model");
  writeString(w, r.model);
  w.Key("output");
  w.StartArray();
  if (r.output) {
    for (const std::string& item : *r.output) writeRaw(w, item, rapidjson::kObjectType);
  }
  w.EndArray();
  w.Key("usage");
  if (r.usage) {
    writeResponsesUsage(w, *r.usage);
  } else {
    w.Null();
  }
  w.EndObject();
}

std::string responseStatus(std::string_view stop_reason) {
  return stop_reason == "max_tokens" || stop_reason == "model_context_window_exceeded"
             ? "incomplete"
             : "completed";
}

}  // namespace relay::openai
