// The Anthropic Messages request both OpenAI formats are translated into: system text, turns of
// content blocks (consecutive turns of one role merge, as tool results must), and the settings.
#ifndef RELAY_PLUGINS_OPENAI_ANTHROPIC_REQUEST_H
#define RELAY_PLUGINS_OPENAI_ANTHROPIC_REQUEST_H

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace relay::openai {

// Used when the client names no output limit (Anthropic requires one).
inline constexpr int64_t kDefaultMaxTokens = 8192;

struct AnthropicTurn {
  std::string role;                 // "user" | "assistant"
  std::vector<std::string> blocks;  // each a serialized content block
};

struct AnthropicRequest {
  std::string model;
  std::vector<std::string> system;  // text pieces, one system block each
  std::vector<AnthropicTurn> turns;
  std::vector<std::string> tools;  // serialized tool definitions
  std::string tool_choice;         // serialized, empty = none given
  int64_t max_tokens = kDefaultMaxTokens;
  bool max_tokens_given = false;  // false: the default, which thinking may raise
  std::optional<double> temperature;
  std::optional<double> top_p;
  std::vector<std::string> stop_sequences;
  int64_t thinking_budget = 0;  // 0 = no extended thinking
  bool stream = false;

  // Appends blocks to the last turn when it has the same role, else starts a turn.
  void append(std::string_view role, std::string block);
  // True when the last assistant turn calls tools without starting with a thinking block:
  // Anthropic refuses such a turn while thinking is on (its signed block was lost).
  bool lastToolTurnLacksThinking() const;
  // Writes the body; drops turns without blocks.
  std::string serialize() const;
};

}  // namespace relay::openai

#endif
