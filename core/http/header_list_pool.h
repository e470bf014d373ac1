// Per-thread spare header lists, for downstream requests (the connection reads each head into
// one) and upstream requests (the upstream filter builds each head into one). A finished request
// gives its list back; the next one refills it in place, so the names and values of a warm loop's
// heads (the same handful every time) reuse their memory instead of allocating it. The lists are
// per thread: no lock, no sharing; a list given back on another thread joins that thread's spares.
// Bounded: what does not fit goes back to the heap. A list goes back to the side it served:
// refilled by a head of the same kind, its elements' strings already have room for the values at
// those places (one shared stack measured one more allocation per request). Nothing is kept under
// AddressSanitizer (kRecyclingStorage) or after the thread's pool is gone (thread exit), so a use
// after the request's end stays visible.
#pragma once

#include <cstddef>
#include <string_view>
#include <utility>
#include <vector>

#include "core/http/headers.h"

namespace relay {

// Which heads a list holds: requests read from clients, requests sent upstream, responses read
// from upstreams.
enum class HeadSide { Downstream, Upstream, Response };

class HeaderListPool {
 public:
  // The heads of the requests in flight on a loop, all sides together (32 downstream and 8
  // upstream lists before the two pools became one).
  static constexpr size_t kMaxKept = 48;
  static constexpr size_t kMaxKeptHeaders = 64;

  // The calling thread's pool (each loop runs on its own thread).
  static HeaderListPool& local();

  // A list whose elements may be overwritten (see HeaderListFill), or an empty one.
  std::vector<Header> take(HeadSide side) {
    std::vector<std::vector<Header>>& spare = spare_[index(side)];
    if (spare.empty()) return {};
    std::vector<Header> list = std::move(spare.back());
    spare.pop_back();
    return list;
  }

  // Takes the list's memory (the argument is left empty, without capacity).
  void give(HeadSide side, std::vector<Header>& list);
  void give(HeadSide side, std::vector<Header>&& list) { give(side, list); }

  // Lets every spare list go (for tests).
  void clear() {
    for (auto& spare : spare_) spare.clear();
  }
  size_t spareCount() const { return spare_[0].size() + spare_[1].size() + spare_[2].size(); }
  // False under AddressSanitizer: everything given goes back to the heap.
  static bool keeping();

 private:
  static size_t index(HeadSide side) { return static_cast<size_t>(side); }
  std::vector<std::vector<Header>> spare_[3];
};

// Fills a list taken from the pool front to back, assigning into the elements it already has.
class HeaderListFill {
 public:
  HeaderListFill() = default;
  explicit HeaderListFill(std::vector<Header> list) : list_(std::move(list)) {}

  // verified: see Header::verified (the element's earlier value does not carry over).
  void add(std::string_view name, std::string_view value, bool verified = false) {
    if (used_ < list_.size()) {
      list_[used_].name.assign(name);
      list_[used_].value.assign(value);
      list_[used_].verified = verified;
    } else {
      if (list_.capacity() == 0) list_.reserve(16);
      list_.push_back(Header{std::string(name), std::string(value), verified});
    }
    ++used_;
  }

  // The filled list (elements beyond those added are dropped); the fill is empty after.
  std::vector<Header> finish() {
    list_.resize(used_);
    used_ = 0;
    return std::move(list_);
  }

 private:
  std::vector<Header> list_;
  size_t used_ = 0;
};

}  // namespace relay
