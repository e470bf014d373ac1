#include "chat_request.h"

#include "anthropic_request.h"
#include "json_support.h"
#include "request_parts.h"

namespace relay::openai {

namespace {

using rapidjson::Value;

void rejectUnsupported(const Value& body) {
  if (std::optional<int64_t> n = intMember(body, "n"); n && *n > 1)
    reject("n > 1 is not supported: this endpoint returns one choice");
  if (boolOr(body, "logprobs", false) || intMember(body, "top_logprobs").value_or(0) > 0)
    reject("logprobs are not supported by this endpoint");
  if (member(body, "audio")) reject("audio output is not supported by this endpoint");
  if (const Value* modalities = member(body, "modalities"); modalities && modalities->IsArray()) {
    for (const Value& m : modalities->GetArray()) {
      if (m.IsString() && stringView(m) == "audio")
        reject("audio output is not supported by this endpoint");
    }
  }
}

// Text of a system, developer or tool message: a string or text parts.
std::vector<std::string> textPieces(const Value* content, const char* role) {
  std::vector<std::string> pieces;
  if (!content) return pieces;
  if (content->IsString()) {
    pieces.emplace_back(content->GetString(), content->GetStringLength());
  } else if (content->IsArray()) {
    for (const Value& part : content->GetArray()) {
      std::string_view type = stringOr(part, "type");
      if (type != "text" && type != "refusal")
        reject(std::string(role) + " messages take text parts only");
      std::string_view text = stringOr(part, type == "text" ? "text" : "refusal");
      pieces.emplace_back(text);
    }
  } else {
    reject(std::string(role) + " message content must be a string or an array of parts");
  }
  return pieces;
}

std::vector<std::string> textBlocks(const std::vector<std::string>& pieces) {
  std::vector<std::string> blocks;
  for (const std::string& text : pieces) {
    if (!text.empty()) blocks.push_back(textBlock(text));
  }
  return blocks;
}

void userMessage(AnthropicRequest& out, const Value& message) {
  const Value* content = member(message, "content");
  if (!content || content->IsString()) {
    for (std::string& block : textBlocks(textPieces(content, "user")))
      out.append("user", std::move(block));
    return;
  }
  if (!content->IsArray()) reject("user message content must be a string or an array of parts");
  for (const Value& part : content->GetArray()) {
    std::string_view type = stringOr(part, "type");
    if (type == "text") {
      std::string_view text = stringOr(part, "text");
      if (!text.empty()) out.append("user", textBlock(text));
    } else if (type == "image_url") {
      const Value* image = member(part, "image_url");
      std::string_view url = image && image->IsString() ? stringView(*image)
                             : image                    ? stringOr(*image, "url")
                                                        : std::string_view();
      out.append("user", imageBlock(url));
    } else if (type == "input_audio") {
      reject("audio input is not supported by this endpoint");
    } else if (type == "file") {
      const Value* file = member(part, "file");
      out.append("user", documentBlock(file ? stringOr(*file, "file_data") : ""));
    } else {
      reject("unsupported content part type \"" + std::string(type) + "\"");
    }
  }
}

void assistantMessage(AnthropicRequest& out, const Value& message, ThinkingCache& cache,
                      int64_t now_ms) {
  const Value* calls = member(message, "tool_calls");
  if (calls && !calls->IsArray()) reject("tool_calls must be an array");
  if (calls) {
    for (const Value& call : calls->GetArray()) {
      std::shared_ptr<const ThinkingCache::Blocks> thinking =
          cache.find(stringOr(call, "id"), now_ms);
      if (!thinking) continue;
      for (const std::string& block : *thinking) out.append("assistant", block);
      break;
    }
  }
  for (std::string& block : textBlocks(textPieces(member(message, "content"), "assistant")))
    out.append("assistant", std::move(block));
  if (!calls) return;
  for (const Value& call : calls->GetArray()) {
    if (stringOr(call, "type", "function") != "function")
      reject("only function tool calls are supported");
    const Value* function = member(call, "function");
    if (!function) reject("a tool call has no function");
    std::string_view id = stringOr(call, "id");
    if (id.empty()) reject("a tool call has no id");
    out.append("assistant",
               toolUseBlock(id, stringOr(*function, "name"), stringOr(*function, "arguments")));
  }
}

void toolMessage(AnthropicRequest& out, const Value& message) {
  std::string_view id = stringOr(message, "tool_call_id");
  if (id.empty()) reject("a tool message has no tool_call_id");
  out.append("user",
             toolResultBlock(id, textBlocks(textPieces(member(message, "content"), "tool"))));
}

void messages(AnthropicRequest& out, const Value& body, ThinkingCache& cache, int64_t now_ms) {
  const Value* list = member(body, "messages");
  if (!list || !list->IsArray()) reject("messages must be an array");
  for (const Value& message : list->GetArray()) {
    if (!message.IsObject()) reject("every message must be an object");
    std::string_view role = stringOr(message, "role");
    if (role == "system" || role == "developer") {
      for (std::string& text : textPieces(member(message, "content"), "system"))
        if (!text.empty()) out.system.push_back(std::move(text));
    } else if (role == "user") {
      userMessage(out, message);
    } else if (role == "assistant") {
      assistantMessage(out, message, cache, now_ms);
    } else if (role == "tool") {
      toolMessage(out, message);
    } else {
      reject("unsupported message role \"" + std::string(role) + "\"");
    }
  }
}

void tools(AnthropicRequest& out, const Value& body) {
  if (const Value* list = member(body, "tools")) {
    if (!list->IsArray()) reject("tools must be an array");
    for (const Value& tool : list->GetArray()) {
      if (stringOr(tool, "type") != "function") reject("only function tools are supported");
      const Value* f = member(tool, "function");
      if (!f) reject("a function tool has no function");
      out.tools.push_back(toolDefinition(stringOr(*f, "name"), member(*f, "description"),
                                         member(*f, "parameters")));
    }
  }
  if (const Value* list = member(body, "functions"); list && list->IsArray()) {  // legacy
    for (const Value& f : list->GetArray())
      out.tools.push_back(
          toolDefinition(stringOr(f, "name"), member(f, "description"), member(f, "parameters")));
  }
  if (out.tools.empty()) return;
  const Value* choice = member(body, "tool_choice");
  rapidjson::Document legacy;
  if (!choice) {
    if (const Value* call = member(body, "function_call")) {
      if (call->IsObject()) {
        legacy.Parse(R"({"type":"function"})");
        legacy.AddMember("name", Value(stringOr(*call, "name").data(), legacy.GetAllocator()),
                         legacy.GetAllocator());
        choice = &legacy;
      } else {
        choice = call;
      }
    }
  }
  out.tool_choice = toolChoice(choice, boolOr(body, "parallel_tool_calls", true));
}

int64_t maxTokens(const Value& body, int64_t fallback) {
  for (const char* name : {"max_completion_tokens", "max_tokens"}) {
    if (std::optional<int64_t> n = positiveIntMember(body, name)) return *n;
  }
  return fallback;
}

}  // namespace

std::string translateChatRequest(std::string_view body_text, int64_t default_max_tokens,
                                 ThinkingCache& cache, int64_t now_ms, RequestFacts* facts) {
  rapidjson::Document body;
  parseRequestObject(body_text, body);
  rejectUnsupported(body);
  AnthropicRequest out;
  out.model = requiredModel(body);
  out.max_tokens = maxTokens(body, default_max_tokens);
  out.max_tokens_given = member(body, "max_completion_tokens") || member(body, "max_tokens");
  messages(out, body, cache, now_ms);
  tools(out, body);
  applySampling(out, body);
  applyStop(out, member(body, "stop"));
  applyResponseFormat(out, member(body, "response_format"));
  applyThinking(out, stringOr(body, "reasoning_effort"));
  out.stream = boolOr(body, "stream", false);
  if (facts) {
    facts->model = out.model;
    facts->stream = out.stream;
    const Value* options = member(body, "stream_options");
    facts->include_usage = out.stream && options && boolOr(*options, "include_usage", false);
  }
  return out.serialize();
}

}  // namespace relay::openai
