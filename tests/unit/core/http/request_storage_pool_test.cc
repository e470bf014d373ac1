#include "core/http/request_storage_pool.h"

#include <doctest/doctest.h>

#include <string>
#include <thread>

namespace relay {

// Each case runs on a thread of its own: a fresh, empty pool.
template <class Fn>
void onFreshThread(Fn fn) {
  std::thread t(fn);
  t.join();
}

TEST_CASE("a body given back serves the next request without a new allocation") {
  if (!RequestStoragePool::keeping()) return;  // AddressSanitizer: nothing is kept
  onFreshThread([] {
    RequestStoragePool& pool = RequestStoragePool::local();
    std::string body = pool.takeBody(21000);
    CHECK(body.empty());
    CHECK(body.capacity() >= 21000);
    body.assign(21000, 'x');
    const char* memory = body.data();
    pool.giveBody(body);
    CHECK(body.capacity() < 1024);  // the argument gave its memory away
    CHECK(pool.spareBodies() == 1);
    std::string next = pool.takeBody(20000);
    CHECK(next.empty());
    CHECK(next.data() == memory);
    CHECK(pool.spareBodies() == 0);
  });
}

TEST_CASE("a body prefers a spare buffer large enough, else grows the latest") {
  if (!RequestStoragePool::keeping()) return;
  onFreshThread([] {
    RequestStoragePool& pool = RequestStoragePool::local();
    std::string big = pool.takeBody(64 * 1024);
    std::string small = pool.takeBody(4096);
    const char* big_memory = big.data();
    pool.giveBody(big);
    pool.giveBody(small);  // the latest, but too small for what follows
    std::string taken = pool.takeBody(50000);
    CHECK(taken.data() == big_memory);
    std::string grown = pool.takeBody(100000);  // only the small one left: grown
    CHECK(grown.capacity() >= 100000);
    CHECK(pool.spareBodies() == 0);
  });
}

TEST_CASE("the body pool is bounded: tiny, huge and surplus buffers go back to the heap") {
  if (!RequestStoragePool::keeping()) return;
  onFreshThread([] {
    RequestStoragePool& pool = RequestStoragePool::local();
    std::string tiny(100, 'a');
    pool.giveBody(tiny);
    CHECK(pool.spareBodies() == 0);
    std::string huge;
    huge.reserve(RequestStoragePool::kMaxKeptBodyCapacity + 1);
    pool.giveBody(huge);
    CHECK(pool.spareBodies() == 0);
    for (size_t i = 0; i < RequestStoragePool::kMaxKeptBodies + 5; ++i) {
      std::string b;
      b.reserve(8192);
      pool.giveBody(b);
    }
    CHECK(pool.spareBodies() == RequestStoragePool::kMaxKeptBodies);
    // All together stay under the byte bound too.
    size_t many = RequestStoragePool::kMaxKeptBodyBytes / (512 * 1024) + 4;
    for (size_t i = 0; i < RequestStoragePool::kMaxKeptBodies; ++i) pool.takeBody(0);
    for (size_t i = 0; i < many; ++i) {
      std::string b;
      b.reserve(512 * 1024);
      pool.giveBody(b);
    }
    CHECK(pool.spareBodies() < many);
    CHECK(pool.spareBodies() * 512 * 1024 <= RequestStoragePool::kMaxKeptBodyBytes);
  });
}

TEST_CASE("a header list given back keeps its headers' memory for the next request") {
  if (!RequestStoragePool::keeping()) return;
  onFreshThread([] {
    RequestStoragePool& pool = RequestStoragePool::local();
    Request req;
    req.headers.add("user-agent", "a client with a name longer than the inline storage");
    req.headers.add("accept", "application/json");
    req.body = pool.takeBody(4096);
    req.body = "{}";
    const char* value_memory = req.headers.all()[0].value.data();
    pool.give(req);
    CHECK(req.headers.size() == 0);
    CHECK(req.body.empty());
    HeaderListPool& lists = HeaderListPool::local();
    CHECK(lists.spareCount() == 1);
    CHECK(pool.spareBodies() == 1);
    std::vector<Header> list = lists.take(HeadSide::Downstream);
    REQUIRE(list.size() == 2);
    CHECK(list[0].value.data() == value_memory);  // overwritten in place by the next request
    CHECK(lists.take(HeadSide::Downstream).empty());
  });
}

}  // namespace relay
