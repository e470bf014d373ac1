// Counts the heap allocations one thread makes while a piece of work runs. Linking
// allocation_counter.cc into a unit executable replaces its global operator new (every form), so
// a test can assert that a hot path allocates nothing once warm.
#pragma once

#include <cstddef>

namespace relay::test {

void startCountingAllocations();
// The allocations the calling thread made since startCountingAllocations().
size_t stopCountingAllocations();

template <class Work>
size_t allocationsOf(Work&& work) {
  startCountingAllocations();
  work();
  return stopCountingAllocations();
}

}  // namespace relay::test
