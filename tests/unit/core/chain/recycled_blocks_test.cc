#include <doctest/doctest.h>

#include <set>
#include <thread>
#include <vector>

#include "core/chain/recycled_blocks.h"

using namespace relay;

namespace {

struct Small {
  RELAY_RECYCLED_STORAGE
  virtual ~Small() = default;
  char bytes[40] = {};
};

struct Bigger : Small {
  char more[200] = {};
};

}  // namespace

TEST_CASE("a freed block serves the next allocation of its size class on the same thread") {
  if (!recyclingBlocks()) return;  // AddressSanitizer build: plain heap blocks
  size_t before = recycledBlocksOnThisThread();
  void* a = allocateRecycled(100);
  releaseRecycled(a, 100);
  CHECK(recycledBlocksOnThisThread() == before + 1);
  void* b = allocateRecycled(97);  // same 16-byte class (97..112)
  CHECK(b == a);
  CHECK(recycledBlocksOnThisThread() == before);
  void* c = allocateRecycled(120);  // the next class: not that block
  CHECK(c != a);
  releaseRecycled(b, 97);
  releaseRecycled(c, 120);
}

TEST_CASE("classes derived from a recycled class are freed with their own size") {
  if (!recyclingBlocks()) return;
  size_t before = recycledBlocksOnThisThread();
  Small* derived = new Bigger;
  void* where = derived;
  delete derived;  // through the base: the virtual destructor passes Bigger's size
  CHECK(recycledBlocksOnThisThread() == before + 1);
  auto* again = new Bigger;
  CHECK(static_cast<void*>(again) == where);
  auto* small = new Small;
  CHECK(static_cast<void*>(small) != where);
  delete again;
  delete small;
}

TEST_CASE("large blocks are not kept, and each class keeps a bounded number") {
  size_t before = recycledBlocksOnThisThread();
  void* big = allocateRecycled(64 * 1024);
  releaseRecycled(big, 64 * 1024);
  CHECK(recycledBlocksOnThisThread() == before);
  std::vector<void*> many;
  for (int i = 0; i < 10000; ++i) many.push_back(allocateRecycled(32));
  for (void* p : many) releaseRecycled(p, 32);
  CHECK(recycledBlocksOnThisThread() - before <= 4096);
}

TEST_CASE("threads recycle their own blocks, and a block freed elsewhere stays usable") {
  std::vector<void*> from_thread;
  std::thread([&] {
    for (int i = 0; i < 8; ++i) from_thread.push_back(allocateRecycled(48));
    // Blocks freed on this thread go back to the heap when it ends.
    for (int i = 0; i < 4; ++i) releaseRecycled(allocateRecycled(64), 64);
  }).join();
  // Freed here, they join this thread's lists and are handed out again here.
  for (void* p : from_thread) releaseRecycled(p, 48);
  std::set<void*> handed(from_thread.begin(), from_thread.end());
  std::vector<void*> again;
  for (int i = 0; i < 8; ++i) again.push_back(allocateRecycled(48));
  if (recyclingBlocks()) {
    for (void* p : again) CHECK(handed.count(p) == 1);
  }
  for (void* p : again) releaseRecycled(p, 48);
}
