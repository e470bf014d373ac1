// The ABI's view of the request an attempt sends, for the hooks of a provider plugin (prepare,
// classify_answer): borrowed from the request and the state, valid while both are unchanged.
#pragma once

#include <cstddef>
#include <memory_resource>
#include <string>
#include <vector>

#include "core/abi/relay_plugin.h"
#include "core/chain/request_state.h"
#include "core/http/request.h"

namespace relay {

inline relay_slice_t toSlice(std::string_view s) {
  return relay_slice_t{s.data(), s.size()};
}

// Headers as the ABI's array; borrows the names and values. Up to kInline headers the array
// lives inside the object (no heap allocation per hook call); it points into itself, so it is
// neither copied nor moved.
struct AbiHeaders {
  static constexpr size_t kInline = 32;
  explicit AbiHeaders(const Headers& h);
  AbiHeaders(const AbiHeaders&) = delete;
  AbiHeaders& operator=(const AbiHeaders&) = delete;

 private:
  alignas(relay_header_t) std::byte inline_[kInline * sizeof(relay_header_t)];
  std::pmr::monotonic_buffer_resource arena_{inline_, sizeof inline_};

 public:
  std::pmr::vector<relay_header_t> items{&arena_};
};

class ProviderRequestView {
 public:
  ProviderRequestView(const Request& req, const RequestState& state);
  const relay_request_view_t* get() const { return &view_; }

 private:
  AbiHeaders headers_;
  std::string format_;
  relay_request_view_t view_{};
};

}  // namespace relay
