#include "core/http/header_list_pool.h"

#include <doctest/doctest.h>

#include <string>
#include <thread>

#include "core/http/read_block.h"

namespace relay {

namespace {

template <class Fn>
void onFreshThread(Fn fn) {
  std::thread t(fn);
  t.join();
}

// Gives a list (and a read block) back from a thread_local destroyed after the pools: on a
// thread that is ending, as a connection or chain freed last would.
struct GivesAtThreadExit {
  std::vector<Header> list;
  ReadBlock block;
  ~GivesAtThreadExit() {
    HeaderListPool::local().give(HeadSide::Downstream, list);
    block.reset();
  }
};

}  // namespace

TEST_CASE("one header list pool serves downstream and upstream heads, bounded") {
  if (!HeaderListPool::keeping()) return;  // AddressSanitizer: nothing is kept
  onFreshThread([] {
    HeaderListPool& pool = HeaderListPool::local();
    for (size_t i = 0; i < HeaderListPool::kMaxKept + 3; ++i) {
      std::vector<Header> list(1);
      pool.give(i % 2 ? HeadSide::Upstream : HeadSide::Downstream, list);
      CHECK(list.capacity() == 0);  // its memory went to the pool
    }
    CHECK(pool.spareCount() == HeaderListPool::kMaxKept);
    std::vector<Header> too_long(HeaderListPool::kMaxKeptHeaders + 1);
    pool.clear();
    pool.give(HeadSide::Upstream, too_long);
    CHECK(pool.spareCount() == 0);
  });
}

TEST_CASE("a list goes back to the side it served, so a refill finds its own shape") {
  if (!HeaderListPool::keeping()) return;
  onFreshThread([] {
    HeaderListPool& pool = HeaderListPool::local();
    std::vector<Header> down{{"user-agent", std::string(60, 'u')}};
    std::vector<Header> up{{"x-api-key", std::string(40, 'k')}};
    const char* down_value = down[0].value.data();
    const char* up_value = up[0].value.data();
    pool.give(HeadSide::Downstream, down);
    pool.give(HeadSide::Upstream, up);  // the latest, but the other side's
    std::vector<Header> next_down = pool.take(HeadSide::Downstream);
    REQUIRE(next_down.size() == 1);
    CHECK(next_down[0].value.data() == down_value);
    std::vector<Header> next_up = pool.take(HeadSide::Upstream);
    REQUIRE(next_up.size() == 1);
    CHECK(next_up[0].value.data() == up_value);
    CHECK(pool.spareCount() == 0);
  });
}

TEST_CASE("lists and read blocks given back while a thread ends go to the heap") {
  onFreshThread([] {
    // Constructed before the pools, so destroyed after them.
    thread_local GivesAtThreadExit late;
    late.list.resize(3);
    late.block = ReadBlock::take();
    HeaderListPool::local().give(HeadSide::Upstream, std::vector<Header>(2));
    ReadBlock::take().reset();
    if (HeaderListPool::keeping()) {
      CHECK(HeaderListPool::local().spareCount() == 1);
      CHECK(ReadBlock::spareOnThisThread() == 1);
    }
  });
  // Nothing to check after the thread: under AddressSanitizer a give into a destroyed pool
  // would be reported.
}

TEST_CASE("a read block given back serves the next read") {
  if (!HeaderListPool::keeping()) return;
  onFreshThread([] {
    ReadBlock a = ReadBlock::take();
    char* memory = a.data();
    CHECK(a.holds(memory, ReadBlock::kSize));
    CHECK_FALSE(a.holds(memory + 1, ReadBlock::kSize));
    a.reset();
    CHECK_FALSE(a);
    CHECK(ReadBlock::spareOnThisThread() == 1);
    ReadBlock b = ReadBlock::take();
    CHECK(b.data() == memory);
  });
}

}  // namespace relay
