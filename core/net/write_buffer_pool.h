// Per-thread spare byte buffers for outgoing data. A connection takes one when it has bytes to
// queue and gives it back once they are on the wire, so an idle connection (or a stream waiting
// for its next event) holds no write memory and a busy loop allocates none.
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace relay {

class WriteBufferPool {
 public:
  // Buffers that grew beyond this are freed rather than kept.
  static constexpr size_t kMaxKeptCapacity = 64 * 1024;
  static constexpr size_t kMaxKept = 32;

  // The calling thread's pool (each loop runs on its own thread).
  static WriteBufferPool& local() {
    thread_local WriteBufferPool pool;
    return pool;
  }

  // An empty buffer, with spare capacity when one is available.
  std::string take() {
    if (spare_.empty()) return {};
    std::string s = std::move(spare_.back());
    spare_.pop_back();
    return s;
  }

  // Takes the buffer's memory (the argument is left empty, without capacity).
  void give(std::string& s) {
    std::string mine;
    mine.swap(s);
    if (mine.capacity() > kMaxKeptCapacity || spare_.size() >= kMaxKept) return;
    if (mine.capacity() < 64) return;  // nothing beyond the inline storage: not worth keeping
    mine.clear();
    spare_.push_back(std::move(mine));
  }

  size_t spareCount() const { return spare_.size(); }

 private:
  std::vector<std::string> spare_;
};

}  // namespace relay
