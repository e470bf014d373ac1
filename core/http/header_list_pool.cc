#include "core/http/header_list_pool.h"

namespace relay {

HeaderListPool HeaderListPool::handle_;

bool HeaderListPool::keeping() {
  return kRecyclingStorage;
}

void HeaderListPool::give(HeadSide side, std::vector<Header>& list) {
  std::vector<Header> mine;
  mine.swap(list);
  Spares* s = ThreadSpares<Spares>::local();
  if (s == nullptr || mine.capacity() == 0 || mine.size() > kMaxKeptHeaders) return;
  std::vector<std::vector<Header>>& spare = s->lists[index(side)];
  if (spare.size() >= kMaxKept) return;
  spare.push_back(std::move(mine));
}

void HeaderListPool::clear() {
  if (Spares* s = ThreadSpares<Spares>::local())
    for (auto& spare : s->lists) spare.clear();
}

size_t HeaderListPool::spareCount() {
  const Spares* s = ThreadSpares<Spares>::local();
  return s == nullptr ? 0 : s->count();
}

}  // namespace relay
