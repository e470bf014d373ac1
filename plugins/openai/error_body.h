// Anthropic errors in OpenAI's shape: {"error":{"message","type","param","code"}}.
#ifndef RELAY_PLUGINS_OPENAI_ERROR_BODY_H
#define RELAY_PLUGINS_OPENAI_ERROR_BODY_H

#include <cstdint>
#include <string>
#include <string_view>

#include "json_support.h"

namespace relay::openai {

struct OpenAiError {
  std::string message;
  std::string type;  // invalid_request_error, authentication_error, rate_limit_exceeded, ...
  std::string code;  // empty = null
};

// From an Anthropic error body ({"type":"error","error":{type,message}}) or an error event's
// data; status 0 = unknown (mid-stream). A body that is not JSON becomes a generic message.
OpenAiError openAiErrorFrom(int32_t status, std::string_view body);
void writeErrorObject(JsonWriter& w, const OpenAiError& e);  // {"message","type","param","code"}
std::string errorBody(const OpenAiError& e);                 // {"error":{...}}

}  // namespace relay::openai

#endif
