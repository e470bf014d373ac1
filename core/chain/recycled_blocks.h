// Per-thread free lists for the small objects every request creates and frees (its chain and the
// chain's filters): a block freed on a worker goes back to that worker's list and serves the next
// request there, without a trip through malloc and free. Lists are per thread, so no lock and no
// sharing; a block freed on another thread joins that thread's list. Each size class keeps a
// bounded number of blocks; the rest go back to the heap, as does everything when the thread
// ends. Under AddressSanitizer blocks are not recycled, so use-after-free stays visible.
#pragma once

#include <cstddef>

namespace relay {

// False under AddressSanitizer: per-thread storage that outlives the object it served (these
// lists, the request storage pool) then hands nothing back, so use-after-free stays visible.
#if defined(__SANITIZE_ADDRESS__)
inline constexpr bool kRecyclingStorage = false;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
inline constexpr bool kRecyclingStorage = false;
#else
inline constexpr bool kRecyclingStorage = true;
#endif
#else
inline constexpr bool kRecyclingStorage = true;
#endif

// A block of at least `size` bytes, aligned for any object of that size.
void* allocateRecycled(std::size_t size);
// Returns a block from allocateRecycled with the same `size`.
void releaseRecycled(void* block, std::size_t size) noexcept;

// Blocks waiting on this thread's lists (for tests), and whether blocks are recycled at all
// (not under AddressSanitizer).
std::size_t recycledBlocksOnThisThread();
bool recyclingBlocks();

// Gives a class (and the classes derived from it) recycled storage.
#define RELAY_RECYCLED_STORAGE                                          \
  static void* operator new(std::size_t size) {                         \
    return ::relay::allocateRecycled(size);                             \
  }                                                                     \
  static void operator delete(void* block, std::size_t size) noexcept { \
    ::relay::releaseRecycled(block, size);                              \
  }

}  // namespace relay
