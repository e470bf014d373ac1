#include "core/http/header_list_pool.h"

#include "core/chain/recycled_blocks.h"

namespace relay {

namespace {

// Set once this thread's pool is gone (thread exit): later gives go to the heap. A trivial
// thread_local, so it stays readable while other thread_locals are destroyed.
thread_local bool t_pool_gone = false;

struct PoolHolder {
  HeaderListPool pool;
  ~PoolHolder() { t_pool_gone = true; }
};

}  // namespace

HeaderListPool& HeaderListPool::local() {
  thread_local PoolHolder holder;
  return holder.pool;
}

bool HeaderListPool::keeping() {
  return kRecyclingStorage;
}

void HeaderListPool::give(HeadSide side, std::vector<Header>& list) {
  std::vector<Header> mine;
  mine.swap(list);
  if (!kRecyclingStorage || t_pool_gone || mine.capacity() == 0 || mine.size() > kMaxKeptHeaders ||
      spareCount() >= kMaxKept)
    return;
  spare_[index(side)].push_back(std::move(mine));
}

}  // namespace relay
