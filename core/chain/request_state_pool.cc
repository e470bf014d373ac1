#include "core/chain/request_state_pool.h"

#include <string>
#include <utility>
#include <vector>

#include "core/chain/thread_spares.h"

namespace relay {

namespace {

constexpr size_t kMaxSpare = 32;
constexpr size_t kMaxKeptString = 256;  // a longer string goes back to the heap

// The strings a request writes; what a new field adds is simply not recycled.
struct Strings {
  std::string key_id, session_key, requested_model, model, sticky_account_id, retry_account_id,
      account_id, provider, upstream_model, usage_model;
};

template <class Fn>
void eachPair(RequestState& st, Strings& s, Fn fn) {
  fn(st.key_id, s.key_id);
  fn(st.session_key, s.session_key);
  fn(st.requested_model, s.requested_model);
  fn(st.model, s.model);
  fn(st.sticky_account_id, s.sticky_account_id);
  fn(st.retry_account_id, s.retry_account_id);
  fn(st.account_id, s.account_id);
  fn(st.provider, s.provider);
  fn(st.upstream_model, s.upstream_model);
  fn(st.usage.model, s.usage_model);
}

struct Spares {
  std::vector<Strings> list;
};

}  // namespace

RequestState takeRequestState() {
  RequestState st;
  Spares* s = ThreadSpares<Spares>::local();
  if (s == nullptr || s->list.empty()) return st;
  eachPair(st, s->list.back(), [](std::string& field, std::string& kept) { field.swap(kept); });
  s->list.pop_back();
  return st;
}

void giveRequestState(RequestState& state) {
  Spares* s = ThreadSpares<Spares>::local();
  if (s == nullptr || s->list.size() >= kMaxSpare) return;
  if (s->list.capacity() == 0) s->list.reserve(kMaxSpare);
  Strings& kept = s->list.emplace_back();
  eachPair(state, kept, [](std::string& field, std::string& mine) {
    if (field.capacity() > kMaxKeptString) return;  // goes with the state
    mine.swap(field);
    mine.clear();
  });
}

size_t spareRequestStates() {
  const Spares* s = ThreadSpares<Spares>::local();
  return s == nullptr ? 0 : s->list.size();
}

}  // namespace relay
