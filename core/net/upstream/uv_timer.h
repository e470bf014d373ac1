// A one-shot libuv timer whose handle memory outlives its owner until the close callback runs.
#pragma once

#include <uv.h>

#include <cstdint>
#include <functional>

namespace relay {

class UvTimer {
 public:
  explicit UvTimer(uv_loop_t* loop);
  ~UvTimer();
  UvTimer(const UvTimer&) = delete;
  UvTimer& operator=(const UvTimer&) = delete;

  // Replaces any pending shot; `fire` runs once on the loop after `ms`.
  void start(uint64_t ms, std::function<void()> fire);
  void stop();
  bool active() const;

 private:
  static void onFire(uv_timer_t* handle);
  uv_timer_t* handle_;
  std::function<void()> fire_;
};

}  // namespace relay
