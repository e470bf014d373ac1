// The calling thread's store of spare objects (lists, buffers, blocks) that finished requests
// give back for the next ones: per thread, so no lock. Nothing is kept under AddressSanitizer,
// so a use after the request's end stays visible, and nothing once the thread's store is gone:
// objects given back during thread exit, after it, go to the heap.
#pragma once

#include "core/chain/recycled_blocks.h"

namespace relay {

template <class Store>
class ThreadSpares {
 public:
  // This thread's store, or nullptr when nothing may be kept (see above).
  static Store* local() {
    if (!kRecyclingStorage || gone_) return nullptr;
    thread_local Holder holder;
    return &holder.store;
  }

 private:
  struct Holder {
    Store store;
    ~Holder() { gone_ = true; }  // before `store` is destroyed
  };
  // A trivial thread_local, so it stays readable while other thread_locals are destroyed.
  static inline thread_local bool gone_ = false;
};

}  // namespace relay
