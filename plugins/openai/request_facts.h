// What translate_request learns that the response side of the same request needs.
#ifndef RELAY_PLUGINS_OPENAI_REQUEST_FACTS_H
#define RELAY_PLUGINS_OPENAI_REQUEST_FACTS_H

#include <set>
#include <string>

namespace relay::openai {

struct RequestFacts {
  std::string model;  // as the client named it (echoed when upstream names none)
  bool stream = false;
  bool include_usage = false;  // chat: stream_options.include_usage
  // Responses: names of custom (freeform) tools; their tool_use answers become
  // custom_tool_call items with the text input.
  std::set<std::string, std::less<>> custom_tools;
};

}  // namespace relay::openai

#endif
