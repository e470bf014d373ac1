// A block that a connection reads into. Each worker reads into one block at a time; when a
// request's whole body arrived in one read, the connection hands the block to the request (its
// body is a view into it) and the worker reads on into another. The request gives the block back
// once the chain is done with the body. Spare blocks are kept per thread (no lock); a block given
// back on another thread joins that thread's spares. Bounded: what does not fit goes back to the
// heap, and nothing is kept under AddressSanitizer or after the thread's spares are gone, so a
// use after the request's end stays visible.
#pragma once

#include <cstddef>
#include <utility>

namespace relay {

class ReadBlock {
 public:
  static constexpr size_t kSize = 64 * 1024;
  static constexpr size_t kMaxSpare = 32;

  ReadBlock() = default;
  ReadBlock(ReadBlock&& other) noexcept : bytes_(std::exchange(other.bytes_, nullptr)) {}
  ReadBlock& operator=(ReadBlock&& other) noexcept {
    if (this != &other) {
      reset();
      bytes_ = std::exchange(other.bytes_, nullptr);
    }
    return *this;
  }
  ReadBlock(const ReadBlock&) = delete;
  ReadBlock& operator=(const ReadBlock&) = delete;
  ~ReadBlock() { reset(); }

  // A block of kSize bytes: a spare one of this thread when there is one.
  static ReadBlock take();
  // Gives the block back (to this thread's spares, or the heap); empty afterwards.
  void reset() noexcept;

  char* data() const { return bytes_; }
  explicit operator bool() const { return bytes_ != nullptr; }
  // Whether [p, p + n) lies inside this block.
  bool holds(const char* p, size_t n) const {
    return bytes_ != nullptr && p >= bytes_ && n <= kSize &&
           p - bytes_ <= static_cast<std::ptrdiff_t>(kSize - n);
  }

  // Spare blocks waiting on this thread (for tests).
  static size_t spareOnThisThread();

 private:
  char* bytes_ = nullptr;
};

}  // namespace relay
