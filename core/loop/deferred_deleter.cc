#include "core/loop/deferred_deleter.h"

namespace relay {

// Both handles live in one block, freed when the second close callback runs.
struct DeferredDeleter::Handles {
  uv_check_t check;
  uv_idle_t idle;
  int open = 2;
  static void onClosed(uv_handle_t* h) {
    auto* self = static_cast<Handles*>(h->data);
    if (--self->open == 0) delete self;
  }
};

DeferredDeleter::DeferredDeleter(uv_loop_t* loop) : handles_(new Handles) {
  uv_check_init(loop, &handles_->check);
  uv_idle_init(loop, &handles_->idle);
  handles_->check.data = this;
  handles_->idle.data = this;
}

DeferredDeleter::~DeferredDeleter() {
  drain();
  close();
}

void DeferredDeleter::defer(std::unique_ptr<Deletable> obj) {
  if (!obj) return;
  pending_.push_back(std::move(obj));
  if (!armed_) arm();
}

void DeferredDeleter::arm() {
  if (handles_ == nullptr) return;
  armed_ = true;
  uv_check_start(&handles_->check, &DeferredDeleter::onCheck);
  // Only to keep poll from blocking while the batch waits for the check phase.
  uv_idle_start(&handles_->idle, [](uv_idle_t*) {});
}

void DeferredDeleter::disarm() {
  armed_ = false;
  if (handles_ == nullptr) return;
  uv_check_stop(&handles_->check);
  uv_idle_stop(&handles_->idle);
}

void DeferredDeleter::drain() {
  // Destructors may defer more objects; loop until quiet.
  while (!pending_.empty()) {
    std::vector<std::unique_ptr<Deletable>> batch;
    batch.swap(pending_);
    pending_.swap(spare_);  // the next batch collects in the last one's capacity
    batch.clear();          // may defer more, or even drain again
    if (batch.capacity() > spare_.capacity()) spare_.swap(batch);
  }
  if (armed_) disarm();
}

void DeferredDeleter::close() {
  if (handles_ == nullptr) return;
  if (armed_) disarm();
  handles_->check.data = handles_;
  handles_->idle.data = handles_;
  uv_close(reinterpret_cast<uv_handle_t*>(&handles_->check), &Handles::onClosed);
  uv_close(reinterpret_cast<uv_handle_t*>(&handles_->idle), &Handles::onClosed);
  handles_ = nullptr;
}

void DeferredDeleter::onCheck(uv_check_t* check) {
  static_cast<DeferredDeleter*>(check->data)->drain();
}

}  // namespace relay
