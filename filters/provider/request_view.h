// The ABI's view of the request an attempt sends, for the hooks of a provider plugin (prepare,
// classify_answer): borrowed from the request and the state, valid while both are unchanged.
#pragma once

#include <string>
#include <vector>

#include "core/abi/relay_plugin.h"
#include "core/chain/request_state.h"
#include "core/http/request.h"

namespace relay {

inline relay_slice_t toSlice(std::string_view s) {
  return relay_slice_t{s.data(), s.size()};
}

// The ABI's header array: in place for the usual handful of headers (made several times per
// request), on the heap beyond.
class AbiHeaderArray {
 public:
  static constexpr size_t kInline = 24;
  explicit AbiHeaderArray(size_t count) : size_(count) {
    if (count > kInline) heap_.resize(count);
  }
  AbiHeaderArray(const AbiHeaderArray&) = delete;
  AbiHeaderArray& operator=(const AbiHeaderArray&) = delete;
  relay_header_t* data() { return heap_.empty() ? inline_ : heap_.data(); }
  const relay_header_t* data() const { return heap_.empty() ? inline_ : heap_.data(); }
  size_t size() const { return size_; }

 private:
  size_t size_;
  relay_header_t inline_[kInline];
  std::vector<relay_header_t> heap_;
};

// Headers as the ABI's array; borrows the names and values.
struct AbiHeaders {
  AbiHeaderArray items;
  explicit AbiHeaders(const Headers& h);
};

class ProviderRequestView {
 public:
  ProviderRequestView(const Request& req, const RequestState& state);
  const relay_request_view_t* get() const { return &view_; }

 private:
  AbiHeaders headers_;
  relay_request_view_t view_{};
};

}  // namespace relay
