#include "core/http/header_list_pool.h"

#include <doctest/doctest.h>

#include <iterator>
#include <string>
#include <thread>
#include <utility>

#include "core/http/read_block.h"
#include "tests/unit/support/allocation_counter.h"

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

TEST_CASE("one header list pool serves downstream and upstream heads, bounded per side") {
  if (!HeaderListPool::keeping()) return;  // AddressSanitizer: nothing is kept
  onFreshThread([] {
    HeaderListPool& pool = HeaderListPool::local();
    for (size_t i = 0; i < 2 * (HeaderListPool::kMaxKept + 3); ++i) {
      std::vector<Header> list(1);
      pool.give(i % 2 ? HeadSide::Upstream : HeadSide::Downstream, list);
      CHECK(list.capacity() == 0);  // its memory went to the pool
    }
    CHECK(pool.spareCount() == 2 * HeaderListPool::kMaxKept);
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

// Near saturation one loop turn finishes many requests, and each gives back three lists (its
// client head, its upstream head, the upstream's answer) before the next requests take them.
TEST_CASE("32 requests finishing together keep all their lists for the next 32") {
  if (!HeaderListPool::keeping()) return;
  onFreshThread([] {
    HeaderListPool& pool = HeaderListPool::local();
    constexpr HeadSide kSides[] = {HeadSide::Downstream, HeadSide::Upstream, HeadSide::Response};
    for (int i = 0; i < 32; ++i)
      for (HeadSide side : kSides) {
        std::vector<Header> list{{"anthropic-beta", std::string(52, 'b')}};
        pool.give(side, list);
      }
    int reused = 0;
    for (int i = 0; i < 32; ++i)
      for (HeadSide side : kSides) reused += pool.take(side).empty() ? 0 : 1;
    CHECK(reused == 3 * 32);  // a list made anew would allocate its vector and long values again
  });
}

// The auth filter removes the client's key from every head: the list goes back one element
// short, and the next head, as long, adds one. Kept in HeaderSpares, the removed element is that
// one, so the strings circulate through the list's places instead of one going to the heap (and
// a new one coming from it) per request.
TEST_CASE("a head whose client key is removed is read again without allocating, once warm") {
  if (!HeaderListPool::keeping()) return;
  onFreshThread([] {
    const std::pair<std::string, std::string> head[] = {
        {"host", "127.0.0.1:3000"},
        {"content-type", "application/json"},
        {"x-api-key", std::string(44, 'k')},
        {"anthropic-version", "2023-06-01"},
        {"anthropic-beta", std::string(107, 'b')},
        {"user-agent", "claude-cli/2.0.14 (external, cli)"},
        {"x-stainless-runtime-version", "v20.20.2"},
    };
    auto request = [&] {
      Headers headers;
      HeaderListFill fill(HeaderListPool::take(HeadSide::Downstream));
      for (const auto& [name, value] : head) fill.add(name, value);
      headers.all() = fill.finish();
      headers.removeIf([](const Header& h) { return h.name == "x-api-key"; });
      HeaderListPool::give(HeadSide::Downstream, headers.all());
    };
    for (size_t i = 0; i < 3 * std::size(head); ++i) request();  // every string visits every place
    CHECK(test::allocationsOf([&] {
            for (int i = 0; i < 50; ++i) request();
          }) == 0);
    CHECK(HeaderSpares::spareCount() == 1);
  });
}

TEST_CASE("a removed header comes back, with its memory, as the next element a list adds") {
  if (!HeaderListPool::keeping()) return;
  onFreshThread([] {
    Headers headers;
    headers.add("x-api-key", std::string(60, 'k'));
    headers.add("accept", "application/json");
    const char* memory = headers.all()[0].value.data();
    headers.remove("x-api-key");
    CHECK(HeaderSpares::spareCount() == 1);
    Headers other;
    other.add("anthropic-beta", std::string(50, 'b'));
    CHECK(other.all()[0].value.data() == memory);  // the removed value's memory, refilled
    CHECK(other.all()[0].name == "anthropic-beta");
    CHECK(!other.all()[0].verified);
    CHECK(HeaderSpares::spareCount() == 0);
  });
}

TEST_CASE("a list or a removed header holding large strings goes back to the heap") {
  if (!HeaderListPool::keeping()) return;
  onFreshThread([] {
    HeaderListPool& pool = HeaderListPool::local();
    std::vector<Header> large{{"x-large", std::string(HeaderListPool::kMaxKeptBytes, 'v')}};
    pool.give(HeadSide::Downstream, large);
    std::vector<Header> usual{{"x-api-key", std::string(44, 'k')}, {"accept", "*/*"}};
    pool.give(HeadSide::Downstream, usual);
    CHECK(pool.spareCount() == 1);  // the usual one
    Headers headers;
    headers.add("x-large", std::string(HeaderSpares::kMaxKeptBytes, 'v'));
    headers.add("x-api-key", std::string(44, 'k'));
    headers.removeIf([](const Header&) { return true; });
    CHECK(headers.size() == 0);
    CHECK(HeaderSpares::spareCount() == 1);  // the key's
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
