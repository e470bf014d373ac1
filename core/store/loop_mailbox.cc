#include "core/store/loop_mailbox.h"

#include "core/store/store_error.h"

namespace relay::store {

std::shared_ptr<LoopMailbox> LoopMailbox::open(uv_loop_t* loop) {
  std::shared_ptr<LoopMailbox> mailbox(new LoopMailbox(loop));
  auto* async = new uv_async_t;
  int rc = uv_async_init(loop, async, &LoopMailbox::onAsync);
  if (rc != 0) {
    delete async;
    throw StoreError(std::string("cannot create the store reply handle: ") + uv_strerror(rc));
  }
  // The handle keeps its mailbox alive until the close callback, so a wake-up that is still
  // pending when every other owner is gone never reaches freed memory.
  async->data = new std::shared_ptr<LoopMailbox>(mailbox);
  uv_unref(reinterpret_cast<uv_handle_t*>(async));
  mailbox->async_ = async;
  return mailbox;
}

LoopMailbox::~LoopMailbox() = default;

void LoopMailbox::push(std::function<void()> closure) {
  std::lock_guard lock(mutex_);
  if (closed_) return;
  pending_.push_back(std::move(closure));
  // Sent under the lock so close() cannot free the handle between the check and the send.
  uv_async_send(async_);
}

void LoopMailbox::expect() {
  if (++expected_ == 1 && async_) uv_ref(reinterpret_cast<uv_handle_t*>(async_));
}

void LoopMailbox::close() {
  uv_async_t* async = nullptr;
  {
    std::lock_guard lock(mutex_);
    if (closed_) return;
    closed_ = true;
    pending_.clear();
    async = async_;
    async_ = nullptr;
  }
  uv_close(reinterpret_cast<uv_handle_t*>(async), [](uv_handle_t* handle) {
    delete static_cast<std::shared_ptr<LoopMailbox>*>(handle->data);
    delete reinterpret_cast<uv_async_t*>(handle);
  });
}

void LoopMailbox::onAsync(uv_async_t* async) {
  std::shared_ptr<LoopMailbox> mailbox = *static_cast<std::shared_ptr<LoopMailbox>*>(async->data);
  mailbox->deliver();  // the copy above keeps it alive if a closure closes the mailbox
}

void LoopMailbox::deliver() {
  std::vector<std::function<void()>> batch;
  {
    std::lock_guard lock(mutex_);
    batch.swap(pending_);
  }
  for (auto& closure : batch) closure();
  expected_ -= static_cast<long>(batch.size());
  if (expected_ <= 0) {
    expected_ = 0;
    if (async_) uv_unref(reinterpret_cast<uv_handle_t*>(async_));
  }
}

}  // namespace relay::store
