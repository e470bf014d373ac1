// Open downstream connections of every worker, counted against server.max_connections.
#pragma once

#include <atomic>
#include <cstddef>

namespace relay {

class ConnectionBudget {
 public:
  explicit ConnectionBudget(size_t limit) : limit_(limit) {}

  // False when `limit` connections are already open (the caller refuses the new one).
  bool tryAcquire() {
    if (open_.fetch_add(1, std::memory_order_relaxed) < limit_) return true;
    open_.fetch_sub(1, std::memory_order_relaxed);
    return false;
  }
  void release() { open_.fetch_sub(1, std::memory_order_relaxed); }
  size_t open() const { return open_.load(std::memory_order_relaxed); }

 private:
  const size_t limit_;
  std::atomic<size_t> open_{0};
};

}  // namespace relay
