#include "anthropic_request.h"

#include "json_support.h"

namespace relay::openai {

void AnthropicRequest::append(std::string_view role, std::string block) {
  if (turns.empty() || turns.back().role != role) turns.push_back({std::string(role), {}});
  turns.back().blocks.push_back(std::move(block));
}

namespace {
bool startsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}
bool isThinkingBlock(const std::string& block) {
  if (startsWith(block, R"({"type":"thinking")") ||
      startsWith(block, R"({"type":"redacted_thinking")"))
    return true;
  rapidjson::Document doc;  // a block handed back in another key order
  if (!parseUpstreamJson(block, doc) || !doc.IsObject()) return false;
  std::string_view type = stringOr(doc, "type");
  return type == "thinking" || type == "redacted_thinking";
}
}  // namespace

bool AnthropicRequest::lastToolTurnLacksThinking() const {
  for (auto it = turns.rbegin(); it != turns.rend(); ++it) {
    if (it->role != "assistant" || it->blocks.empty()) continue;
    bool calls_tools = false;
    for (const std::string& block : it->blocks)
      calls_tools = calls_tools || startsWith(block, R"({"type":"tool_use")");
    return calls_tools && !isThinkingBlock(it->blocks.front());
  }
  return false;
}

std::string AnthropicRequest::serialize() const {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  w.Key("model");
  writeString(w, model);
  w.Key("max_tokens");
  w.Int64(max_tokens);
  if (!system.empty()) {
    w.Key("system");
    w.StartArray();
    for (const std::string& text : system) {
      w.StartObject();
      w.Key("type");
      w.String("text");
      w.Key("text");
      writeString(w, text);
      w.EndObject();
    }
    w.EndArray();
  }
  w.Key("messages");
  w.StartArray();
  for (const AnthropicTurn& turn : turns) {
    if (turn.blocks.empty()) continue;
    w.StartObject();
    w.Key("role");
    writeString(w, turn.role);
    w.Key("content");
    w.StartArray();
    for (const std::string& block : turn.blocks) writeRaw(w, block, rapidjson::kObjectType);
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  if (!tools.empty()) {
    w.Key("tools");
    w.StartArray();
    for (const std::string& tool : tools) writeRaw(w, tool, rapidjson::kObjectType);
    w.EndArray();
  }
  if (!tool_choice.empty()) {
    w.Key("tool_choice");
    writeRaw(w, tool_choice, rapidjson::kObjectType);
  }
  if (temperature) {
    w.Key("temperature");
    w.Double(*temperature);
  }
  if (top_p) {
    w.Key("top_p");
    w.Double(*top_p);
  }
  if (!stop_sequences.empty()) {
    w.Key("stop_sequences");
    w.StartArray();
    for (const std::string& s : stop_sequences) writeString(w, s);
    w.EndArray();
  }
  if (thinking_budget > 0) {
    w.Key("thinking");
    w.StartObject();
    w.Key("type");
    w.String("enabled");
    w.Key("budget_tokens");
    w.Int64(thinking_budget);
    w.EndObject();
  }
  if (stream) {
    w.Key("stream");
    w.Bool(true);
  }
  w.EndObject();
  return std::string(written(buffer));
}

}  // namespace relay::openai
