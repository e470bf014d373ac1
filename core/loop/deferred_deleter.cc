#include "core/loop/deferred_deleter.h"

namespace relay {

DeferredDeleter::DeferredDeleter(uv_loop_t* loop) : timer_(new uv_timer_t) {
  uv_timer_init(loop, timer_);
  timer_->data = this;
}

DeferredDeleter::~DeferredDeleter() {
  drain();
  close();
}

void DeferredDeleter::defer(std::unique_ptr<Deletable> obj) {
  if (!obj) return;
  pending_.push_back(std::move(obj));
  if (timer_ && !uv_is_active(reinterpret_cast<uv_handle_t*>(timer_)))
    uv_timer_start(timer_, &DeferredDeleter::onTimer, 0, 0);
}

void DeferredDeleter::drain() {
  // Destructors may defer more objects; loop until quiet.
  while (!pending_.empty()) {
    auto batch = std::move(pending_);
    pending_.clear();
    batch.clear();
  }
}

void DeferredDeleter::close() {
  if (!timer_) return;
  timer_->data = nullptr;
  uv_close(reinterpret_cast<uv_handle_t*>(timer_),
           [](uv_handle_t* h) { delete reinterpret_cast<uv_timer_t*>(h); });
  timer_ = nullptr;
}

void DeferredDeleter::onTimer(uv_timer_t* t) {
  if (auto* self = static_cast<DeferredDeleter*>(t->data)) self->drain();
}

}  // namespace relay
