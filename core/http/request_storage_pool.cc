#include "core/http/request_storage_pool.h"

#include <utility>

#include "core/chain/thread_spares.h"

namespace relay {

RequestStoragePool RequestStoragePool::handle_;

bool RequestStoragePool::keeping() {
  return kRecyclingStorage;
}

std::string RequestStoragePool::takeBody(size_t capacity) {
  std::string body;
  Spares* s = ThreadSpares<Spares>::local();
  if (s != nullptr && !s->bodies.empty()) {
    std::vector<std::string>& bodies = s->bodies;
    // The most recently given buffer that is large enough (its memory is the likeliest to be in
    // cache), else the most recent one, grown.
    size_t pick = bodies.size() - 1;
    for (size_t i = bodies.size(); i-- > 0;) {
      if (bodies[i].capacity() >= capacity) {
        pick = i;
        break;
      }
    }
    body.swap(bodies[pick]);
    s->body_bytes -= body.capacity();
    if (pick + 1 != bodies.size()) bodies[pick].swap(bodies.back());
    bodies.pop_back();
  }
  body.reserve(capacity);
  return body;
}

void RequestStoragePool::giveBody(std::string& body) {
  std::string mine;
  mine.swap(body);
  Spares* s = ThreadSpares<Spares>::local();
  if (s == nullptr || mine.capacity() < 1024 || mine.capacity() > kMaxKeptBodyCapacity ||
      s->bodies.size() >= kMaxKeptBodies || s->body_bytes + mine.capacity() > kMaxKeptBodyBytes)
    return;
  mine.clear();
  s->body_bytes += mine.capacity();
  s->bodies.push_back(std::move(mine));
}

size_t RequestStoragePool::spareBodies() {
  const Spares* s = ThreadSpares<Spares>::local();
  return s == nullptr ? 0 : s->bodies.size();
}

}  // namespace relay
