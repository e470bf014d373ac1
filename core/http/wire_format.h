// The four client wire formats, and errors rendered in each of them (PROTOCOLS.md part B).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace relay {

class Headers;

enum class WireFormat { Anthropic, OpenAIChat, OpenAIResponses, Gemini };

std::optional<WireFormat> parseWireFormat(std::string_view name);
std::string_view wireFormatName(WireFormat f);
// The format a client most likely speaks, judged by the path (for 404s and other errors
// produced before a route is known).
WireFormat guessWireFormat(std::string_view path);

// A complete JSON error body in the format's shape; `message` is escaped here.
std::string renderErrorBody(WireFormat f, int status, std::string_view message);
// The same error as one server-sent event, for errors after a stream has started.
std::string renderErrorEvent(WireFormat f, int status, std::string_view message);

// The shape of a model list on a path both worlds use (/v1/models): a client that sends only
// `Authorization: Bearer` (no anthropic-version, no x-api-key) gets OpenAI's list.
WireFormat modelListFormat(WireFormat route_format, const Headers& headers);

}  // namespace relay
