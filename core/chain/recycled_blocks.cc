#include "core/chain/recycled_blocks.h"

#include <new>

namespace relay {
namespace {

constexpr bool kRecycle = kRecyclingStorage;

constexpr std::size_t kGranule = 16;
constexpr std::size_t kLargest = 2048;  // bigger blocks come from the heap every time
constexpr std::size_t kClasses = kLargest / kGranule;
constexpr std::size_t kBytesPerClass = 64 * 1024;
constexpr std::size_t kMinBlocksPerClass = 64;

struct FreeBlock {
  FreeBlock* next;
};

// Sized deallocation where the compiler has it; clang before 19 leaves it off by default (the
// fuzz build compiles this file with clang).
void freeBlock(void* block, std::size_t size) {
#if defined(__cpp_sized_deallocation)
  ::operator delete(block, size);
#else
  (void)size;
  ::operator delete(block);
#endif
}

std::size_t classOf(std::size_t size) {
  return size == 0 ? 0 : (size - 1) / kGranule;
}

std::size_t capOf(std::size_t cls) {
  std::size_t by_bytes = kBytesPerClass / ((cls + 1) * kGranule);
  return by_bytes > kMinBlocksPerClass ? by_bytes : kMinBlocksPerClass;
}

struct ThreadLists {
  FreeBlock* head[kClasses] = {};
  std::size_t count[kClasses] = {};
  ~ThreadLists();
};

// Set once this thread's lists are gone (thread exit): later releases go to the heap. A trivial
// thread_local, so it stays readable while other thread_locals are destroyed.
thread_local bool t_lists_gone = false;

ThreadLists& lists() {
  thread_local ThreadLists l;
  return l;
}

ThreadLists::~ThreadLists() {
  t_lists_gone = true;
  for (std::size_t c = 0; c < kClasses; ++c) {
    while (FreeBlock* b = head[c]) {
      head[c] = b->next;
      freeBlock(b, (c + 1) * kGranule);
    }
    count[c] = 0;
  }
}

}  // namespace

void* allocateRecycled(std::size_t size) {
  if (!kRecycle || size > kLargest) return ::operator new(size);
  std::size_t cls = classOf(size);
  if (!t_lists_gone) {
    ThreadLists& l = lists();
    if (FreeBlock* b = l.head[cls]) {
      l.head[cls] = b->next;
      --l.count[cls];
      return b;
    }
  }
  return ::operator new((cls + 1) * kGranule);
}

void releaseRecycled(void* block, std::size_t size) noexcept {
  if (block == nullptr) return;
  if (!kRecycle || size > kLargest) return freeBlock(block, size);
  std::size_t cls = classOf(size);
  if (!t_lists_gone) {
    ThreadLists& l = lists();
    if (l.count[cls] < capOf(cls)) {
      auto* b = static_cast<FreeBlock*>(block);
      b->next = l.head[cls];
      l.head[cls] = b;
      ++l.count[cls];
      return;
    }
  }
  freeBlock(block, (cls + 1) * kGranule);
}

bool recyclingBlocks() {
  return kRecycle;
}

std::size_t recycledBlocksOnThisThread() {
  if (t_lists_gone) return 0;
  std::size_t total = 0;
  for (std::size_t n : lists().count) total += n;
  return total;
}

}  // namespace relay
