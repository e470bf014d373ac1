#include "core/net/upstream/body_batch.h"

#include "core/net/write_buffer_pool.h"

namespace relay {

void BodyBatch::add(std::string_view bytes) {
  if (bytes.empty()) return;
  if (joined_active_) {
    joined_.append(bytes);
    return;
  }
  if (first_.empty()) {
    first_ = bytes;
    return;
  }
  joined_ = WriteBufferPool::local().take();
  joined_.reserve(first_.size() + bytes.size());
  joined_.append(first_).append(bytes);
  joined_active_ = true;
  first_ = {};
}

void BodyBatch::clear() {
  first_ = {};
  if (!joined_active_) return;
  joined_active_ = false;
  WriteBufferPool::local().give(joined_);
}

}  // namespace relay
