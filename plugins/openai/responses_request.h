// Responses request (Codex CLI, openai SDK responses.create) -> Anthropic Messages request.
#ifndef RELAY_PLUGINS_OPENAI_RESPONSES_REQUEST_H
#define RELAY_PLUGINS_OPENAI_RESPONSES_REQUEST_H

#include <cstdint>
#include <string>
#include <string_view>

#include "request_facts.h"

namespace relay::openai {

// Throws RequestRejected for input it cannot or will not translate. Reasoning items whose
// encrypted_content this relay wrote go back as the exact Anthropic thinking block.
std::string translateResponsesRequest(std::string_view body, int64_t default_max_tokens,
                                      RequestFacts* facts);

// encrypted_content of a reasoning item: the serialized Anthropic thinking (or
// redacted_thinking) block, base64-encoded behind a short marker.
std::string encodeThinkingBlock(std::string_view block_json);
// The block back, or empty when the text is not one this relay wrote.
std::string decodeThinkingBlock(std::string_view encrypted_content);

}  // namespace relay::openai

#endif
