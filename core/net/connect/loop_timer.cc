#include "core/net/connect/loop_timer.h"

#include <utility>

namespace relay {

LoopTimer::LoopTimer(uv_loop_t* loop) : handle_(new uv_timer_t) {
  uv_timer_init(loop, handle_);
  handle_->data = this;
}

LoopTimer::~LoopTimer() {
  uv_timer_stop(handle_);
  handle_->data = nullptr;
  uv_close(reinterpret_cast<uv_handle_t*>(handle_),
           [](uv_handle_t* h) { delete reinterpret_cast<uv_timer_t*>(h); });
}

void LoopTimer::start(uint64_t timeout_ms, std::function<void()> fire) {
  fire_ = std::move(fire);
  uv_timer_start(handle_, onFire, timeout_ms, 0);
}

void LoopTimer::stop() {
  uv_timer_stop(handle_);
  fire_ = nullptr;
}

void LoopTimer::onFire(uv_timer_t* handle) {
  auto* self = static_cast<LoopTimer*>(handle->data);
  if (self == nullptr || !self->fire_) return;
  // Moved out first: the callback may destroy `self`.
  std::function<void()> fire = std::move(self->fire_);
  self->fire_ = nullptr;
  fire();
}

}  // namespace relay
