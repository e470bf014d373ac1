// libFuzzer target: the routing peek of a JSON request body (depth limit, huge numbers).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "filters/route/request_peek.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  relay::RequestPeek peek =
      relay::peekJsonBody(std::string_view(reinterpret_cast<const char*>(data), size));
  if (peek.ok && !peek.error.empty()) __builtin_trap();  // ok and an error at once
  return 0;
}
