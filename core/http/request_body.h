// A downstream request's body: either bytes the request owns (a body that arrived in pieces, was
// chunked, or was rewritten) or a view into the read block the connection read it into, which the
// body then holds (read_block.h), so a body that arrived whole in one read is never copied.
// Readers see one std::string_view either way; it stays valid while the body is neither assigned
// nor given back (the chain does that only once its filters and upstream calls are done).
#pragma once

#include <string>
#include <string_view>
#include <utility>

#include "core/http/read_block.h"

namespace relay {

class RequestBody {
 public:
  RequestBody() = default;
  RequestBody(std::string bytes) : owned_(std::move(bytes)) {}  // NOLINT: a body is its bytes
  RequestBody(RequestBody&& other) noexcept
      : owned_(std::move(other.owned_)),
        in_block_(std::exchange(other.in_block_, {})),
        block_(std::move(other.block_)) {}
  RequestBody& operator=(RequestBody&& other) noexcept {
    if (this != &other) {
      owned_ = std::move(other.owned_);
      in_block_ = std::exchange(other.in_block_, {});
      block_ = std::move(other.block_);
    }
    return *this;
  }
  RequestBody& operator=(std::string bytes) {
    dropBlock();
    owned_ = std::move(bytes);
    return *this;
  }

  std::string_view view() const { return block_ ? in_block_ : std::string_view(owned_); }
  operator std::string_view() const { return view(); }  // NOLINT: read like a string
  const char* data() const { return view().data(); }
  size_t size() const { return view().size(); }
  bool empty() const { return view().empty(); }

  // The body is `bytes`, which lie in `block`; the body holds the block until it is assigned,
  // given back or destroyed. Any owned bytes are dropped (their capacity stays).
  void adopt(ReadBlock block, std::string_view bytes) {
    owned_.clear();
    block_ = std::move(block);
    in_block_ = bytes;
  }
  bool inReadBlock() const { return static_cast<bool>(block_); }

  // The owned buffer, to fill in place (after a view was dropped). Not for a body in a block.
  std::string& owned() {
    dropBlock();
    return owned_;
  }

  // Gives the block back and leaves the owned buffer (with its capacity) for the caller.
  void dropBlock() {
    block_.reset();
    in_block_ = {};
  }

  friend bool operator==(const RequestBody& a, std::string_view b) { return a.view() == b; }

 private:
  std::string owned_;
  std::string_view in_block_;  // when block_ is set: the bytes, inside it
  ReadBlock block_;
};

}  // namespace relay
