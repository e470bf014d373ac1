// Chat Completions request -> Anthropic Messages request.
#ifndef RELAY_PLUGINS_OPENAI_CHAT_REQUEST_H
#define RELAY_PLUGINS_OPENAI_CHAT_REQUEST_H

#include <cstdint>
#include <string>
#include <string_view>

#include "request_facts.h"
#include "thinking_cache.h"

namespace relay::openai {

// Throws RequestRejected for input it cannot or will not translate. Assistant turns whose tool
// calls are in cache get their signed thinking blocks back.
std::string translateChatRequest(std::string_view body, int64_t default_max_tokens,
                                 ThinkingCache& cache, int64_t now_ms, RequestFacts* facts);

}  // namespace relay::openai

#endif
