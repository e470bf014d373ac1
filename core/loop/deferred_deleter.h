// Deletes objects on the next loop iteration, so an object may be released from inside one of
// its own callbacks (Envoy's deferredDelete).
#pragma once

#include <uv.h>

#include <memory>
#include <vector>

namespace relay {

class Deletable {
 public:
  virtual ~Deletable() = default;
};

class DeferredDeleter {
 public:
  explicit DeferredDeleter(uv_loop_t* loop);
  ~DeferredDeleter();
  DeferredDeleter(const DeferredDeleter&) = delete;
  DeferredDeleter& operator=(const DeferredDeleter&) = delete;

  void defer(std::unique_ptr<Deletable> obj);
  // Deletes everything pending now (at shutdown).
  void drain();
  // Closes the timer handle; call before the loop stops.
  void close();

 private:
  static void onTimer(uv_timer_t* t);
  uv_timer_t* timer_;
  std::vector<std::unique_ptr<Deletable>> pending_;
};

}  // namespace relay
