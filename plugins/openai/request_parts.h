// Pieces both OpenAI request formats share when they become an Anthropic request: content
// blocks, tools and tool_choice, reasoning effort -> extended thinking, response format.
#ifndef RELAY_PLUGINS_OPENAI_REQUEST_PARTS_H
#define RELAY_PLUGINS_OPENAI_REQUEST_PARTS_H

#include <rapidjson/document.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "anthropic_request.h"

namespace relay::openai {

// The client's body as a JSON object; else 400.
void parseRequestObject(std::string_view body_text, rapidjson::Document& body);
// The body's model; 400 when it has none.
std::string requiredModel(const rapidjson::Value& body);
// body[name] when present: a positive integer, else 400; nullopt when absent.
std::optional<int64_t> positiveIntMember(const rapidjson::Value& body, const char* name);

std::string textBlock(std::string_view text);
// data:<type>;base64,<data> -> base64 source; http(s) URL -> url source; else 400.
std::string imageBlock(std::string_view url);
// data:application/pdf;base64,<data> -> a base64 document block; else 400.
std::string documentBlock(std::string_view file_data);
// arguments: the JSON string an OpenAI client echoes; empty = {}; not an object = 400.
std::string toolUseBlock(std::string_view id, std::string_view name, std::string_view arguments);
// content: serialized blocks (text/image) of the result.
std::string toolResultBlock(std::string_view id, const std::vector<std::string>& content);

std::string toolDefinition(std::string_view name, const rapidjson::Value* description,
                           const rapidjson::Value* parameters);
// A custom (freeform) Responses tool as an Anthropic tool taking one string, "input"; the
// grammar, when given, goes into the description.
std::string customToolDefinition(const rapidjson::Value& tool);
// A custom tool call echoed back: tool_use with {"input": text}.
std::string customToolUseBlock(std::string_view id, std::string_view name, std::string_view input);

// "none" | "auto" | "required" | {type:"function", name} | {type:"function", function:{name}}.
std::string toolChoice(const rapidjson::Value* choice, bool parallel_tool_calls);

// The thinking budget for an OpenAI reasoning effort (0 = no thinking):
// none 0, minimal 1024, low 2048, medium 8192, high 16384, xhigh 24576, max 32000.
int64_t thinkingBudgetFor(std::string_view effort);
// Enables thinking within the request's limits. Without a client limit, max_tokens becomes
// default + budget, capped at kThinkingMaxTokensCap (the smallest output limit of current
// models); then budget < max_tokens and >= 1024 (else off);
// thinking is dropped when a tool is forced (Anthropic allows only auto/none with thinking)
// and when the last assistant turn calls tools without its signed thinking block (lost from
// the cache, or never had one): Anthropic would refuse the request;
// with thinking on, temperature is dropped and top_p kept only within [0.95, 1].
inline constexpr int64_t kThinkingMaxTokensCap = 32000;
void applyThinking(AnthropicRequest& out, std::string_view effort);

// Best effort for JSON output, as a system instruction (Anthropic has no response_format):
// json_object asks for one JSON object; json_schema adds the schema. format is the chat
// response_format or the Responses text.format; text/absent adds nothing.
void applyResponseFormat(AnthropicRequest& out, const rapidjson::Value* format);

// stop: a string or an array of strings.
void applyStop(AnthropicRequest& out, const rapidjson::Value* stop);
// temperature (capped at 1: OpenAI's range is 0..2) and top_p; with both, only temperature
// goes (current Anthropic models refuse the pair).
void applySampling(AnthropicRequest& out, const rapidjson::Value& body);

}  // namespace relay::openai

#endif
