// Per-thread spare header lists for upstream requests. A finished exchange gives its request's
// list back; the next request refills it in place, so the names and values of a warm loop's
// upstream heads (the same handful every time) reuse their memory instead of allocating it.
#pragma once

#include <cstddef>
#include <string_view>
#include <utility>
#include <vector>

#include "core/http/headers.h"

namespace relay {

class HeaderListPool {
 public:
  static constexpr size_t kMaxKept = 8;
  static constexpr size_t kMaxKeptHeaders = 64;

  // The calling thread's pool (each loop runs on its own thread).
  static HeaderListPool& local() {
    thread_local HeaderListPool pool;
    return pool;
  }

  // A list whose elements may be overwritten (see HeaderListFill), or an empty one.
  std::vector<Header> take() {
    if (spare_.empty()) return {};
    std::vector<Header> list = std::move(spare_.back());
    spare_.pop_back();
    return list;
  }

  void give(std::vector<Header>&& list) {
    if (list.capacity() == 0 || spare_.size() >= kMaxKept || list.size() > kMaxKeptHeaders) return;
    spare_.push_back(std::move(list));
  }

  size_t spareCount() const { return spare_.size(); }

 private:
  std::vector<std::vector<Header>> spare_;
};

// Fills a list taken from the pool front to back, assigning into the elements it already has.
class HeaderListFill {
 public:
  HeaderListFill() = default;
  explicit HeaderListFill(std::vector<Header> list) : list_(std::move(list)) {}

  void add(std::string_view name, std::string_view value) {
    if (used_ < list_.size()) {
      list_[used_].name.assign(name);
      list_[used_].value.assign(value);
    } else {
      if (list_.capacity() == 0) list_.reserve(16);
      list_.push_back(Header{std::string(name), std::string(value)});
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
