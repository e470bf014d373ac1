#include "core/http/read_block.h"

#include <vector>

#include "core/chain/thread_spares.h"

namespace relay {

namespace {

struct Spares {
  std::vector<char*> blocks;
  ~Spares() {
    for (char* b : blocks) delete[] b;
  }
};

}  // namespace

ReadBlock ReadBlock::take() {
  ReadBlock block;
  Spares* s = ThreadSpares<Spares>::local();
  if (s != nullptr && !s->blocks.empty()) {
    block.bytes_ = s->blocks.back();
    s->blocks.pop_back();
    return block;
  }
  block.bytes_ = new char[kSize];
  return block;
}

void ReadBlock::reset() noexcept {
  char* b = std::exchange(bytes_, nullptr);
  if (b == nullptr) return;
  Spares* s = ThreadSpares<Spares>::local();
  if (s != nullptr && s->blocks.size() < kMaxSpare) {
    if (s->blocks.capacity() == 0) s->blocks.reserve(kMaxSpare);
    s->blocks.push_back(b);
    return;
  }
  delete[] b;
}

size_t ReadBlock::spareOnThisThread() {
  const Spares* s = ThreadSpares<Spares>::local();
  return s == nullptr ? 0 : s->blocks.size();
}

}  // namespace relay
