// A relay_host_t that records set_body and emit, and helpers that drive the OpenAI plugin's
// translator hooks the way the translate filter does.
#ifndef RELAY_TESTS_UNIT_PLUGINS_OPENAI_TRANSLATOR_HOST_H
#define RELAY_TESTS_UNIT_PLUGINS_OPENAI_TRANSLATOR_HOST_H

#include <cstdint>
#include <string>

#include "relay_plugin.h"

namespace openai_test {

struct Recorded {
  int64_t now_ms = 1'700'000'000'000;
  bool body_set = false;
  std::string body;
  std::string emitted;
  size_t emit_calls = 0;
};

Recorded& recorded();  // reset by every helper below before it runs
const relay_plugin_t& plugin();
relay_host_request_t* request(int n = 0);  // distinct fake request handles

// A translator for one pair ("openai-chat>anthropic"), freed with the object.
class Translator {
 public:
  explicit Translator(const std::string& pair);
  ~Translator();
  Translator(const Translator&) = delete;
  Translator& operator=(const Translator&) = delete;
  relay_plugin_translator_t* get() const { return t_; }

  // translate_request; returns the body set, or "" (and err) on RELAY_ERROR.
  std::string request(const std::string& body, relay_error_t* err = nullptr, int req = 0);
  // stream_new + stream_data: the whole input in one call, or one byte per call.
  std::string streamWhole(const std::string& sse, int req = 0);
  std::string streamBytewise(const std::string& sse, int req = 0);
  std::string response(int32_t status, const std::string& body, int req = 0);
  std::string error(int32_t status, const std::string& body, int req = 0);

 private:
  relay_plugin_translator_t* t_;
};

}  // namespace openai_test

#endif
