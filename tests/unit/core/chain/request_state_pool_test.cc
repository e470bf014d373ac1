#include "core/chain/request_state_pool.h"

#include <doctest/doctest.h>

#include <string>
#include <thread>

#include "core/chain/recycled_blocks.h"

namespace relay {

TEST_CASE("a request state given back lends its strings' memory to the next, nothing else") {
  std::thread([] {
    RequestState st = takeRequestState();
    st.model = "vendor-model-large-20250929-with-a-long-suffix";
    st.session_key = "team:user-id:7c8d1e2f-0000-4000-8000-000000000001";
    st.stream = true;
    st.attempt = 2;
    st.excluded_accounts.push_back("a");
    const char* model_memory = st.model.data();
    const char* key_memory = st.session_key.data();
    giveRequestState(st);
    if (!kRecyclingStorage) {
      CHECK(spareRequestStates() == 0);  // AddressSanitizer: nothing is kept
      return;
    }
    CHECK(st.model.empty());  // its memory went to the spares
    CHECK(spareRequestStates() == 1);
    RequestState next = takeRequestState();
    CHECK(spareRequestStates() == 0);
    CHECK(next.model.empty());
    CHECK(next.session_key.empty());
    CHECK_FALSE(next.stream);
    CHECK(next.attempt == 0);
    CHECK(next.excluded_accounts.empty());
    next.model.assign("vendor-model-small-20250805");
    CHECK(next.model.data() == model_memory);  // assigned into the kept memory
    next.session_key.assign("team:hash:0123456789abcdef0123456789abcdef");
    CHECK(next.session_key.data() == key_memory);
  }).join();
}

TEST_CASE("request states: long strings and surplus states go back to the heap") {
  std::thread([] {
    if (!kRecyclingStorage) return;
    RequestState big;
    big.model.assign(4096, 'm');
    giveRequestState(big);
    RequestState next = takeRequestState();
    CHECK(next.model.capacity() < 4096);
    for (int i = 0; i < 40; ++i) {
      RequestState st;
      giveRequestState(st);
    }
    CHECK(spareRequestStates() == 32);
  }).join();
}

}  // namespace relay
