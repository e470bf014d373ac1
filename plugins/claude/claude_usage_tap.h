// The response observer: the host forwards the bytes unchanged while the usage counts are
// read on the side from SSE message_start / message_delta events or a whole JSON message.
#ifndef RELAY_PLUGINS_CLAUDE_CLAUDE_USAGE_TAP_H
#define RELAY_PLUGINS_CLAUDE_CLAUDE_USAGE_TAP_H

#include <cstdint>
#include <string>
#include <string_view>

#include "relay_plugin.h"

namespace relay::claude {

struct UsageCounts {
  bool seen = false;  // any usage object was read
  std::string model;
  uint64_t input_tokens = 0;
  uint64_t output_tokens = 0;
  uint64_t cache_creation_input_tokens = 0;
  uint64_t cache_read_input_tokens = 0;
};

// Incremental reader; events and lines may be split anywhere across feed() calls.
class UsageTap {
 public:
  explicit UsageTap(bool event_stream) : event_stream_(event_stream) {}
  // As new, keeping the buffers' memory unless it grew beyond kKeptCapacity.
  void reset(bool event_stream);
  void feed(std::string_view bytes);
  // End of the body: a non-streaming body is parsed here.
  void finish();
  const UsageCounts& usage() const { return usage_; }

 private:
  void onLine(std::string_view line);
  void dispatchEvent();
  void applyJson(std::string_view json);

  static constexpr size_t kMaxBuffered = 8u * 1024 * 1024;  // beyond it usage is given up
  static constexpr size_t kKeptCapacity = 16 * 1024;
  bool event_stream_;
  bool overflow_ = false;
  std::string line_;         // an incomplete line
  bool usage_event_ = true;  // the current event may carry usage (by its name, or it has none)
  std::string data_;         // the current event's data lines
  std::string body_;         // a non-streaming body
  UsageCounts usage_;
};

relay_plugin_stream_t* usageTapBegin(relay_host_request_t* req, int32_t status,
                                     const relay_header_t* headers, size_t header_count);
int usageTapData(relay_plugin_stream_t* stream, relay_slice_t bytes, int32_t end);
void usageTapEnd(relay_plugin_stream_t* stream);

}  // namespace relay::claude

#endif
