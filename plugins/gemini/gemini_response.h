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

  // emit empty: an observer (the host forwards the bytes itself; nothing is emitted).
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

// What the hooks do with one answer: unwrap the Code Assist envelope (an OAuth account serving a
// public-API request), copy it unchanged (the Code Assist pass-through, or an API-key answer on
// a host without per-account observers), or only observe it (the host forwards the bytes).
enum class ResponseRole { kUnwrap, kCopy, kObserve };

// The hooks around GeminiResponse; usage is reported whatever the role.
relay_plugin_stream_t* responseStreamBegin(relay_host_request_t* req, ResponseRole role,
                                           int32_t status, const relay_header_t* headers,
                                           size_t header_count);
int responseStreamData(relay_plugin_stream_t* stream, relay_slice_t bytes, int32_t end);
void responseStreamEnd(relay_plugin_stream_t* stream);

}  // namespace relay::gemini

#endif
