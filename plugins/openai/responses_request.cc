#include "responses_request.h"

#include "anthropic_request.h"
#include "json_support.h"
#include "request_parts.h"

namespace relay::openai {

namespace {

using rapidjson::Value;

constexpr std::string_view kThinkingMarker = "relay-thinking-v1:";

void rejectUnsupported(const Value& body) {
  if (member(body, "previous_response_id"))
    reject(
        "previous_response_id is not supported: this relay stores no responses; send the "
        "whole conversation in input");
  if (member(body, "conversation"))
    reject("conversation is not supported: this relay stores no conversations");
  if (intMember(body, "top_logprobs").value_or(0) > 0)
    reject("logprobs are not supported by this endpoint");
  if (boolOr(body, "background", false))
    reject("background responses are not supported by this endpoint");
}

std::string_view partText(const Value& part) {
  std::string_view type = stringOr(part, "type");
  if (type == "refusal") return stringOr(part, "refusal");
  return stringOr(part, "text");
}

// Content blocks of a user message or a function_call_output list.
std::vector<std::string> userBlocks(const Value& content) {
  std::vector<std::string> blocks;
  if (content.IsString()) {
    if (content.GetStringLength() > 0) blocks.push_back(textBlock(stringView(content)));
    return blocks;
  }
  if (!content.IsArray()) reject("message content must be a string or an array of parts");
  for (const Value& part : content.GetArray()) {
    std::string_view type = stringOr(part, "type");
    if (type == "input_text" || type == "output_text" || type == "text") {
      std::string_view text = stringOr(part, "text");
      if (!text.empty()) blocks.push_back(textBlock(text));
    } else if (type == "input_image") {
      if (member(part, "file_id")) reject("input_image by file_id is not supported");
      blocks.push_back(imageBlock(stringOr(part, "image_url")));
    } else if (type == "input_file") {
      blocks.push_back(documentBlock(stringOr(part, "file_data")));
    } else if (type == "input_audio") {
      reject("audio input is not supported by this endpoint");
    } else {
      reject("unsupported content part type \"" + std::string(type) + "\"");
    }
  }
  return blocks;
}

void messageItem(AnthropicRequest& out, const Value& item) {
  std::string_view role = stringOr(item, "role");
  const Value* content = member(item, "content");
  if (role == "system" || role == "developer") {
    if (content && content->IsString()) {
      if (content->GetStringLength() > 0) out.system.emplace_back(stringView(*content));
    } else if (content && content->IsArray()) {
      for (const Value& part : content->GetArray()) {
        std::string_view text = partText(part);
        if (!text.empty()) out.system.emplace_back(text);
      }
    }
  } else if (role == "user") {
    if (!content) return;
    for (std::string& block : userBlocks(*content)) out.append("user", std::move(block));
  } else if (role == "assistant") {
    if (!content) return;
    if (content->IsString()) {
      if (content->GetStringLength() > 0) out.append("assistant", textBlock(stringView(*content)));
    } else if (content->IsArray()) {
      for (const Value& part : content->GetArray()) {
        std::string_view text = partText(part);
        if (!text.empty()) out.append("assistant", textBlock(text));
      }
    }
  } else {
    reject("unsupported message role \"" + std::string(role) + "\"");
  }
}

void reasoningItem(AnthropicRequest& out, const Value& item) {
  std::string block = decodeThinkingBlock(stringOr(item, "encrypted_content"));
  if (!block.empty()) out.append("assistant", std::move(block));  // else: sent without thinking
}

void input(AnthropicRequest& out, const Value& body) {
  const Value* items = member(body, "input");
  if (!items) reject("input is required");
  if (items->IsString()) {
    if (items->GetStringLength() > 0) out.append("user", textBlock(stringView(*items)));
    return;
  }
  if (!items->IsArray()) reject("input must be a string or an array of items");
  for (const Value& item : items->GetArray()) {
    if (!item.IsObject()) reject("every input item must be an object");
    std::string_view type = stringOr(item, "type", "message");
    if (type == "message") {
      messageItem(out, item);
    } else if (type == "function_call") {
      std::string_view call_id = stringOr(item, "call_id");
      if (call_id.empty()) reject("a function_call item has no call_id");
      out.append("assistant",
                 toolUseBlock(call_id, stringOr(item, "name"), stringOr(item, "arguments")));
    } else if (type == "function_call_output") {
      std::string_view call_id = stringOr(item, "call_id");
      if (call_id.empty()) reject("a function_call_output item has no call_id");
      const Value* output = member(item, "output");
      std::vector<std::string> content = output ? userBlocks(*output) : std::vector<std::string>();
      out.append("user", toolResultBlock(call_id, content));
    } else if (type == "custom_tool_call") {
      std::string_view call_id = stringOr(item, "call_id");
      if (call_id.empty()) reject("a custom_tool_call item has no call_id");
      out.append("assistant",
                 customToolUseBlock(call_id, stringOr(item, "name"), stringOr(item, "input")));
    } else if (type == "custom_tool_call_output") {
      std::string_view call_id = stringOr(item, "call_id");
      if (call_id.empty()) reject("a custom_tool_call_output item has no call_id");
      const Value* output = member(item, "output");
      std::vector<std::string> content = output ? userBlocks(*output) : std::vector<std::string>();
      out.append("user", toolResultBlock(call_id, content));
    } else if (type == "reasoning") {
      reasoningItem(out, item);
    } else {
      reject("unsupported input item type \"" + std::string(type) + "\"");
    }
  }
}

// Function and custom tools; other tool types (web search, hosted tools) have no Anthropic
// counterpart through this relay and are left out rather than failing the request.
void tools(AnthropicRequest& out, const Value& body, RequestFacts& facts) {
  const Value* list = member(body, "tools");
  if (!list) return;
  if (!list->IsArray()) reject("tools must be an array");
  for (const Value& tool : list->GetArray()) {
    std::string_view type = stringOr(tool, "type");
    if (type == "function") {
      out.tools.push_back(toolDefinition(stringOr(tool, "name"), member(tool, "description"),
                                         member(tool, "parameters")));
    } else if (type == "custom") {
      out.tools.push_back(customToolDefinition(tool));
      facts.custom_tools.emplace(stringOr(tool, "name"));
    }
  }
  if (out.tools.empty()) return;
  out.tool_choice =
      toolChoice(member(body, "tool_choice"), boolOr(body, "parallel_tool_calls", true));
}

std::string_view effort(const Value& body) {
  const Value* reasoning = member(body, "reasoning");
  if (!reasoning || !reasoning->IsObject()) return {};
  return stringOr(*reasoning, "effort", "medium");
}

}  // namespace

std::string encodeThinkingBlock(std::string_view block_json) {
  return std::string(kThinkingMarker) + base64Encode(block_json);
}

std::string decodeThinkingBlock(std::string_view encrypted_content) {
  if (encrypted_content.substr(0, kThinkingMarker.size()) != kThinkingMarker) return {};
  std::optional<std::string> block = base64Decode(encrypted_content.substr(kThinkingMarker.size()));
  if (!block) return {};
  rapidjson::Document doc;
  if (!parseUpstreamJson(*block, doc) || !doc.IsObject()) return {};
  std::string_view type = stringOr(doc, "type");
  if (type != "thinking" && type != "redacted_thinking") return {};
  return std::move(*block);
}

std::string translateResponsesRequest(std::string_view body_text, int64_t default_max_tokens,
                                      RequestFacts* facts) {
  rapidjson::Document body;
  parseRequestObject(body_text, body);
  rejectUnsupported(body);
  AnthropicRequest out;
  out.model = requiredModel(body);
  std::optional<int64_t> max_output_tokens = positiveIntMember(body, "max_output_tokens");
  out.max_tokens = max_output_tokens.value_or(default_max_tokens);
  out.max_tokens_given = max_output_tokens.has_value();
  std::string_view instructions = stringOr(body, "instructions");
  if (!instructions.empty()) out.system.emplace_back(instructions);
  RequestFacts local;
  if (!facts) facts = &local;
  input(out, body);
  tools(out, body, *facts);
  applySampling(out, body);
  if (const Value* text = member(body, "text")) applyResponseFormat(out, member(*text, "format"));
  applyThinking(out, effort(body));
  out.stream = boolOr(body, "stream", false);
  facts->model = out.model;
  facts->stream = out.stream;
  return out.serialize();
}

}  // namespace relay::openai
