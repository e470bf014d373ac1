// The OpenAI response shapes both the whole-body and the streaming translators write: usage,
// finish reasons, Responses output items and the response object, ids derived from upstream's.
#ifndef RELAY_PLUGINS_OPENAI_OPENAI_SHAPES_H
#define RELAY_PLUGINS_OPENAI_OPENAI_SHAPES_H

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "json_support.h"

namespace relay::openai {

// Anthropic usage; its input_tokens exclude cached tokens, OpenAI's include them.
struct AnthropicUsage {
  uint64_t input = 0, output = 0, cache_creation = 0, cache_read = 0;
  // Takes the fields present in an Anthropic usage object (values are cumulative).
  void merge(const rapidjson::Value& usage);
  uint64_t promptTotal() const { return input + cache_creation + cache_read; }
};

// An Anthropic message_delta event: its delta's stop_reason (kept when absent) and its usage.
void readMessageDelta(const rapidjson::Value& data, std::string* stop_reason,
                      AnthropicUsage* usage);

// {prompt_tokens, completion_tokens, total_tokens, prompt_tokens_details:{cached_tokens,
// cache_write_tokens}}
void writeChatUsage(JsonWriter& w, const AnthropicUsage& u);
// {input_tokens, input_tokens_details:{cached_tokens, cache_write_tokens}, output_tokens,
// output_tokens_details:{reasoning_tokens}, total_tokens}
void writeResponsesUsage(JsonWriter& w, const AnthropicUsage& u);

// An Anthropic thinking block {type:"thinking", thinking, signature}, as a stream rebuilds it
// from its deltas (to echo it back upstream later).
std::string thinkingBlock(std::string_view thinking, std::string_view signature);

// end_turn/stop_sequence/pause_turn -> stop, max_tokens -> length, tool_use -> tool_calls,
// refusal -> content_filter.
std::string_view chatFinishReason(std::string_view stop_reason);

// "msg_01Ab" -> "01Ab": the suffix every derived id (chatcmpl-, resp_, item ids) shares.
std::string idSuffix(std::string_view upstream_id);
std::string itemId(std::string_view prefix, std::string_view suffix, size_t index);

std::string messageItem(std::string_view id, std::string_view status, std::string_view text);
std::string messageItemShell(std::string_view id);  // in_progress, no content yet
std::string outputTextPart(std::string_view text);
std::string reasoningItem(std::string_view id, std::string_view summary,
                          std::string_view encrypted_content);
std::string functionCallItem(std::string_view id, std::string_view call_id, std::string_view name,
                             std::string_view arguments, std::string_view status);

std::string customToolCallItem(std::string_view id, std::string_view call_id, std::string_view name,
                               std::string_view input, std::string_view status);
// The text input of a custom tool's tool_use input object ({"input": "..."}).
std::string customToolInput(const rapidjson::Value& input);

struct ResponseSnapshot {
  std::string id;
  int64_t created_at = 0;
  std::string model;
  std::string status = "in_progress";  // in_progress | completed | incomplete | failed
  std::string incomplete_reason;       // with incomplete: max_output_tokens
  std::string error_code, error_message;
  const std::vector<std::string>* output = nullptr;  // serialized items
  const AnthropicUsage* usage = nullptr;             // null until known
};
void writeResponse(JsonWriter& w, const ResponseSnapshot& r);
std::string responseStatus(std::string_view stop_reason);  // completed | incomplete

}  // namespace relay::openai

#endif
