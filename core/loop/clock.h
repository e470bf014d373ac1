// Wall-clock time as the relay stores it (cooldowns, expiries, sticky bindings): Unix ms.
#pragma once

#include <chrono>
#include <cstdint>

namespace relay {

inline int64_t unixTimeMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace relay
