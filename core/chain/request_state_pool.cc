#include "core/chain/request_state_pool.h"

#include <array>
#include <string>
#include <utility>
#include <vector>

#include "core/chain/thread_spares.h"

namespace relay {

namespace {

constexpr size_t kMaxSpare = 32;
constexpr size_t kMaxKeptString = 256;  // a longer string goes back to the heap

constexpr size_t kStringCount = 10;

// A kept state's strings, in fieldsOf's order; what a new field adds is simply not recycled.
using Strings = std::array<std::string, kStringCount>;

// The fields as an array walked by one loop: the string swap (SSO cases included) is emitted
// once instead of once per field, which keeps these per-request functions a few cache lines.
void fieldsOf(RequestState& st, std::string* (&out)[kStringCount]) {
  out[0] = &st.key_id;
  out[1] = &st.session_key;
  out[2] = &st.requested_model;
  out[3] = &st.model;
  out[4] = &st.sticky_account_id;
  out[5] = &st.retry_account_id;
  out[6] = &st.account_id;
  out[7] = &st.provider;
  out[8] = &st.upstream_model;
  out[9] = &st.usage.model;
}

struct Spares {
  std::vector<Strings> list;
};

}  // namespace

RequestState takeRequestState() {
  RequestState st;
  Spares* s = ThreadSpares<Spares>::local();
  if (s == nullptr || s->list.empty()) return st;
  std::string* fields[kStringCount];
  fieldsOf(st, fields);
  Strings& kept = s->list.back();
  for (size_t i = 0; i < kStringCount; ++i) fields[i]->swap(kept[i]);
  s->list.pop_back();
  return st;
}

void giveRequestState(RequestState& state) {
  Spares* s = ThreadSpares<Spares>::local();
  if (s == nullptr || s->list.size() >= kMaxSpare) return;
  if (s->list.capacity() == 0) s->list.reserve(kMaxSpare);
  std::string* fields[kStringCount];
  fieldsOf(state, fields);
  Strings& kept = s->list.emplace_back();
  for (size_t i = 0; i < kStringCount; ++i) {
    if (fields[i]->capacity() > kMaxKeptString) continue;  // goes with the state
    kept[i].swap(*fields[i]);
    kept[i].clear();
  }
}

size_t spareRequestStates() {
  const Spares* s = ThreadSpares<Spares>::local();
  return s == nullptr ? 0 : s->list.size();
}

}  // namespace relay
