// The response transform of one answer: an OAuth (Code Assist) answer to a public-API request
// is unwrapped from its {response} envelope unit by unit, in the framing it arrived in (SSE, a
// streamed JSON array, one object); any other answer is emitted unchanged. Either way the usage
// is read from usageMetadata on the side.
#ifndef RELAY_PLUGINS_GEMINI_GEMINI_RESPONSE_H
#define RELAY_PLUGINS_GEMINI_GEMINI_RESPONSE_H

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "relay_plugin.h"
#include "response_units.h"

namespace relay::gemini {

struct UsageCounts {
  bool seen = false;
  std::string model;
  uint64_t input_tokens = 0;   // prompt tokens not served from the cache
  uint64_t output_tokens = 0;  // candidates + thoughts
  uint64_t cache_read_input_tokens = 0;
};

class GeminiResponse {
 public:
  using Emit = std::function<void(std::string_view bytes)>;

  GeminiResponse(bool unwrap, bool event_stream, Emit emit);
  GeminiResponse(const GeminiResponse&) = delete;  // units_ holds a pointer to this
  GeminiResponse& operator=(const GeminiResponse&) = delete;
  void feed(std::string_view bytes);
  void finish();
  const UsageCounts& usage() const { return usage_; }

 private:
  void onUnit(std::string_view unit, Framing framing);

  bool unwrap_;
  Emit emit_;
  ResponseUnits units_;
  bool array_open_ = false;
  bool finished_ = false;
  UsageCounts usage_;
};

// The hooks around GeminiResponse (unwrap: the account is OAuth and the request was not the
// Code Assist pass-through).
relay_plugin_stream_t* responseStreamBegin(relay_host_request_t* req, bool unwrap, int32_t status,
                                           const relay_header_t* headers, size_t header_count);
int responseStreamData(relay_plugin_stream_t* stream, relay_slice_t bytes, int32_t end);
void responseStreamEnd(relay_plugin_stream_t* stream);

}  // namespace relay::gemini

#endif
