// A whole Anthropic message (non-streaming answer) -> chat.completion or a response object.
#ifndef RELAY_PLUGINS_OPENAI_WHOLE_RESPONSE_H
#define RELAY_PLUGINS_OPENAI_WHOLE_RESPONSE_H

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "request_facts.h"
#include "thinking_cache.h"

namespace relay::openai {

// nullopt when the body is not an Anthropic message. Signed thinking blocks go into cache
// under the message's tool call ids.
std::optional<std::string> chatCompletionFromMessage(std::string_view body,
                                                     const RequestFacts& facts, int64_t now_ms,
                                                     ThinkingCache& cache);
std::optional<std::string> responseFromMessage(std::string_view body, const RequestFacts& facts,
                                               int64_t now_ms);

}  // namespace relay::openai

#endif
