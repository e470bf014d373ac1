// The body pieces that one parse of received bytes produced, joined into one. Chunked framing
// cuts a read into pieces (an SSE upstream that got ahead, or that writes a few events at once,
// sends them in one read); handed on as one, they cost one pass through the chain and one write
// to the client instead of one of each per piece. Nothing waits for bytes not yet received: the
// parse of what arrived ends, then the batch goes on.
#pragma once

#include <string>
#include <string_view>
#include <utility>

namespace relay {

class BodyBatch {
 public:
  BodyBatch() = default;
  ~BodyBatch() { clear(); }
  BodyBatch(const BodyBatch&) = delete;
  BodyBatch& operator=(const BodyBatch&) = delete;
  // Takes the pieces (and any copy buffer) over; `other` is left empty.
  BodyBatch(BodyBatch&& other) noexcept
      : first_(other.first_),
        joined_(std::move(other.joined_)),
        joined_active_(other.joined_active_) {
    other.first_ = {};
    other.joined_.clear();
    other.joined_active_ = false;
  }
  BodyBatch& operator=(BodyBatch&&) = delete;

  // `bytes` must stay valid until clear(): a lone piece is handed on where it lies, and only a
  // second one makes the batch copy (into a spare buffer of the thread's write pool).
  void add(std::string_view bytes);
  bool empty() const { return view().empty(); }
  // Every piece added since clear(), in order.
  std::string_view view() const { return joined_active_ ? std::string_view(joined_) : first_; }
  // Forgets the pieces; a copy buffer goes back to the pool (a quiet stream holds no memory).
  void clear();

 private:
  std::string_view first_;
  std::string joined_;
  bool joined_active_ = false;
};

}  // namespace relay
