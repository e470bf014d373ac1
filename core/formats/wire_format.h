// The four client wire formats: their names, the default one, and the format a path suggests.
// Everything core knows about a concrete format lives in core/formats/; code elsewhere passes a
// WireFormat through without naming its values (scripts/check-provider-words).
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace relay {

enum class WireFormat { Anthropic, OpenAIChat, OpenAIResponses, Gemini };

// The format of a route that names none, and of a request before its route is known.
inline constexpr WireFormat kDefaultWireFormat = WireFormat::Anthropic;

// Every format's configuration name, in declaration order.
inline constexpr std::array<std::string_view, 4> kWireFormatNames = {"anthropic", "openai-chat",
                                                                     "openai-responses", "gemini"};

std::optional<WireFormat> parseWireFormat(std::string_view name);
std::string_view wireFormatName(WireFormat f);
// The format a client most likely speaks, judged by the path (for 404s and other errors
// produced before a route is known).
WireFormat guessWireFormat(std::string_view path);

}  // namespace relay
