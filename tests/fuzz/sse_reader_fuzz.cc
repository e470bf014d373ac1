// libFuzzer target: the event-stream reader of the usage tap (lines and events split anywhere
// across reads). The first byte sets the size of the pieces fed.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "claude_usage_tap.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  size_t piece = 1 + data[0] % 64;
  std::string_view in(reinterpret_cast<const char*>(data + 1), size - 1);
  relay::claude::UsageTap tap(/*event_stream=*/true);
  while (!in.empty()) {
    std::string_view chunk = in.substr(0, piece);
    in.remove_prefix(chunk.size());
    tap.feed(chunk);
  }
  tap.finish();
  (void)tap.usage();
  return 0;
}
