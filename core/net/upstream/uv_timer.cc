#include "core/net/upstream/uv_timer.h"

#include "core/chain/recycled_blocks.h"

namespace relay {

// The handle is made and freed once per upstream exchange: recycled storage on the worker.
UvTimer::UvTimer(uv_loop_t* loop)
    : handle_(static_cast<uv_timer_t*>(allocateRecycled(sizeof(uv_timer_t)))) {
  uv_timer_init(loop, handle_);
  handle_->data = this;
}

UvTimer::~UvTimer() {
  uv_timer_stop(handle_);
  handle_->data = nullptr;
  // libuv still references the handle until the close callback; free it there.
  uv_close(reinterpret_cast<uv_handle_t*>(handle_),
           [](uv_handle_t* h) { releaseRecycled(h, sizeof(uv_timer_t)); });
}

void UvTimer::start(uint64_t ms, std::function<void()> fire) {
  fire_ = std::move(fire);
  uv_timer_start(handle_, &UvTimer::onFire, ms, 0);
}

void UvTimer::stop() {
  uv_timer_stop(handle_);
  fire_ = nullptr;
}

bool UvTimer::active() const {
  return uv_is_active(reinterpret_cast<const uv_handle_t*>(handle_)) != 0;
}

void UvTimer::onFire(uv_timer_t* handle) {
  auto* self = static_cast<UvTimer*>(handle->data);
  if (self == nullptr) return;
  // Moved out first: the callback may destroy this timer's owner.
  auto fire = std::move(self->fire_);
  self->fire_ = nullptr;
  if (fire) fire();
}

}  // namespace relay
