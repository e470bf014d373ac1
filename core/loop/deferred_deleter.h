// Deletes objects once the loop iteration that released them is done, so an object may be
// released from inside one of its own callbacks (Envoy's deferredDelete). The batch is freed by a
// check handle (after the iteration's I/O callbacks); the handles are active only while something
// waits, and the idle handle keeps the loop from blocking in poll meanwhile.
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
  // Closes the handles; call before the loop stops.
  void close();
  size_t pending() const { return pending_.size(); }

 private:
  struct Handles;
  static void onCheck(uv_check_t* check);
  void arm();
  void disarm();

  Handles* handles_;  // freed by the close callbacks
  std::vector<std::unique_ptr<Deletable>> pending_;
  std::vector<std::unique_ptr<Deletable>> spare_;  // an empty vector keeping a batch's capacity
  bool armed_ = false;
};

}  // namespace relay
