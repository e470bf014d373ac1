#include "core/http/request_storage_pool.h"

#include <utility>

#include "core/chain/recycled_blocks.h"

namespace relay {

namespace {

constexpr bool kKeep = kRecyclingStorage;

// Set once this thread's pool is gone (thread exit): later gives go to the heap. A trivial
// thread_local, so it stays readable while other thread_locals are destroyed.
thread_local bool t_pool_gone = false;

struct PoolHolder {
  RequestStoragePool pool;
  ~PoolHolder() { t_pool_gone = true; }
};

}  // namespace

RequestStoragePool& RequestStoragePool::local() {
  thread_local PoolHolder holder;
  return holder.pool;
}

bool RequestStoragePool::keeping() {
  return kKeep;
}

std::string RequestStoragePool::takeBody(size_t capacity) {
  std::string body;
  if (!bodies_.empty()) {
    // The most recently given buffer that is large enough (its memory is the likeliest to be in
    // cache), else the most recent one, grown.
    size_t pick = bodies_.size() - 1;
    for (size_t i = bodies_.size(); i-- > 0;) {
      if (bodies_[i].capacity() >= capacity) {
        pick = i;
        break;
      }
    }
    body.swap(bodies_[pick]);
    body_bytes_ -= body.capacity();
    if (pick + 1 != bodies_.size()) bodies_[pick].swap(bodies_.back());
    bodies_.pop_back();
  }
  body.reserve(capacity);
  return body;
}

void RequestStoragePool::giveBody(std::string& body) {
  std::string mine;
  mine.swap(body);
  if (!kKeep || t_pool_gone || mine.capacity() < 1024 || mine.capacity() > kMaxKeptBodyCapacity ||
      bodies_.size() >= kMaxKeptBodies || body_bytes_ + mine.capacity() > kMaxKeptBodyBytes)
    return;
  mine.clear();
  body_bytes_ += mine.capacity();
  bodies_.push_back(std::move(mine));
}

}  // namespace relay
