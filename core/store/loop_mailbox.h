// Brings closures from any thread onto one libuv loop's thread through a uv_async_t.
// Only push() is thread-safe; open/expect/close run on the loop's thread.
#pragma once

#include <uv.h>

#include <functional>
#include <memory>
#include <mutex>
#include <vector>

namespace relay::store {

class LoopMailbox {
 public:
  // Creates the async handle on `loop`. Call on the loop's thread. The handle does not keep
  // the loop alive unless deliveries are expected (see expect()).
  static std::shared_ptr<LoopMailbox> open(uv_loop_t* loop);
  ~LoopMailbox();
  LoopMailbox(const LoopMailbox&) = delete;
  LoopMailbox& operator=(const LoopMailbox&) = delete;

  // Any thread. The closure runs later on the loop's thread; dropped if the mailbox is closed.
  void push(std::function<void()> closure);
  // Loop thread: one more push() is coming; keep the loop running until it has been delivered.
  void expect();
  // Loop thread. Undelivered closures are dropped; the handle (and its reference to this
  // mailbox) is freed in its close callback. An unclosed mailbox keeps its loop from closing.
  void close();

  uv_loop_t* loop() const { return loop_; }

 private:
  explicit LoopMailbox(uv_loop_t* loop) : loop_(loop) {}
  static void onAsync(uv_async_t* async);
  void deliver();

  uv_loop_t* loop_;
  uv_async_t* async_ = nullptr;  // owned until its close callback
  std::mutex mutex_;
  std::vector<std::function<void()>> pending_;
  bool closed_ = false;
  long expected_ = 0;  // loop thread only
};

}  // namespace relay::store
