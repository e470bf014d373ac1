#include "core/http/read_block.h"

#include <vector>

#include "core/chain/recycled_blocks.h"

namespace relay {

namespace {

// Set once this thread's spares are gone (thread exit): later blocks go to the heap. A trivial
// thread_local, so it stays readable while other thread_locals are destroyed.
thread_local bool t_spares_gone = false;

struct Spares {
  std::vector<char*> blocks;
  ~Spares() {
    t_spares_gone = true;
    for (char* b : blocks) delete[] b;
  }
};

Spares& spares() {
  thread_local Spares s;
  return s;
}

}  // namespace

ReadBlock ReadBlock::take() {
  ReadBlock block;
  if (kRecyclingStorage && !t_spares_gone) {
    Spares& s = spares();
    if (!s.blocks.empty()) {
      block.bytes_ = s.blocks.back();
      s.blocks.pop_back();
      return block;
    }
  }
  block.bytes_ = new char[kSize];
  return block;
}

void ReadBlock::reset() noexcept {
  char* b = std::exchange(bytes_, nullptr);
  if (b == nullptr) return;
  if (kRecyclingStorage && !t_spares_gone) {
    Spares& s = spares();
    if (s.blocks.size() < kMaxSpare) {
      if (s.blocks.capacity() == 0) s.blocks.reserve(kMaxSpare);
      s.blocks.push_back(b);
      return;
    }
  }
  delete[] b;
}

size_t ReadBlock::spareOnThisThread() {
  return t_spares_gone ? 0 : spares().blocks.size();
}

}  // namespace relay
