// A one-shot libuv timer owned by a C++ object that may be destroyed at any time: the uv handle
// is freed in its close callback, never earlier.
#pragma once

#include <uv.h>

#include <cstdint>
#include <functional>

namespace relay {

class LoopTimer {
 public:
  explicit LoopTimer(uv_loop_t* loop);
  ~LoopTimer();
  LoopTimer(const LoopTimer&) = delete;
  LoopTimer& operator=(const LoopTimer&) = delete;

  // Replaces any armed callback. `fire` may destroy this LoopTimer.
  void start(uint64_t timeout_ms, std::function<void()> fire);
  void stop();
  bool armed() const { return static_cast<bool>(fire_); }

 private:
  static void onFire(uv_timer_t* handle);

  uv_timer_t* handle_;
  std::function<void()> fire_;
};

}  // namespace relay
