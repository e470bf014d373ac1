// What translate_request learns that the response side of the same request needs.
#ifndef RELAY_PLUGINS_OPENAI_REQUEST_FACTS_H
#define RELAY_PLUGINS_OPENAI_REQUEST_FACTS_H

#include <string>

namespace relay::openai {

struct RequestFacts {
  std::string model;  // as the client named it (echoed when upstream names none)
  bool stream = false;
  bool include_usage = false;  // chat: stream_options.include_usage
};

}  // namespace relay::openai

#endif
