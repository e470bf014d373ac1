#include "core/formats/wire_format.h"

namespace relay {

std::optional<WireFormat> parseWireFormat(std::string_view name) {
  if (name == "anthropic") return WireFormat::Anthropic;
  if (name == "openai-chat") return WireFormat::OpenAIChat;
  if (name == "openai-responses") return WireFormat::OpenAIResponses;
  if (name == "gemini") return WireFormat::Gemini;
  return std::nullopt;
}

std::string_view wireFormatName(WireFormat f) {
  switch (f) {
    case WireFormat::Anthropic:
      return "anthropic";
    case WireFormat::OpenAIChat:
      return "openai-chat";
    case WireFormat::OpenAIResponses:
      return "openai-responses";
    case WireFormat::Gemini:
      return "gemini";
  }
  return "anthropic";
}

WireFormat guessWireFormat(std::string_view path) {
  if (path.starts_with("/gemini/") || path.starts_with("/v1beta/")) return WireFormat::Gemini;
  if (path.starts_with("/openai/v1/responses") || path.starts_with("/openai/responses") ||
      path.starts_with("/v1/responses"))
    return WireFormat::OpenAIResponses;
  if (path.starts_with("/openai/") || path.starts_with("/v1/chat/")) return WireFormat::OpenAIChat;
  return WireFormat::Anthropic;
}

}  // namespace relay
