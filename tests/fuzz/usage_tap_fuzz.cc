// libFuzzer target: the usage tap over a whole (non-streaming) JSON answer and over an event
// stream, fed in one piece; the first byte picks the mode.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "claude_usage_tap.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  relay::claude::UsageTap tap(/*event_stream=*/(data[0] & 1) != 0);
  tap.feed(std::string_view(reinterpret_cast<const char*>(data + 1), size - 1));
  tap.finish();
  const relay::claude::UsageCounts& u = tap.usage();
  if (!u.seen && (u.input_tokens || u.output_tokens)) __builtin_trap();  // counts without usage
  return 0;
}
