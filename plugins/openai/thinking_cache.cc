#include "thinking_cache.h"

namespace relay::openai {

ThinkingCache::ThinkingCache(size_t max_entries, size_t max_bytes, int64_t ttl_ms)
    : max_entries_(max_entries), max_bytes_(max_bytes), ttl_ms_(ttl_ms) {}

ThinkingCache& ThinkingCache::shared() {
  static ThinkingCache cache(4096, 64u << 20, 3'600'000);
  return cache;
}

void ThinkingCache::put(const std::vector<std::string>& tool_call_ids, Blocks blocks,
                        int64_t now_ms) {
  if (tool_call_ids.empty() || blocks.empty()) return;
  size_t bytes = 0;
  for (const std::string& b : blocks) bytes += b.size();
  if (bytes > max_bytes_) return;
  auto shared = std::make_shared<const Blocks>(std::move(blocks));
  std::lock_guard<std::mutex> lock(mu_);
  for (const std::string& id : tool_call_ids) {
    erase(id);
    order_.push_back(id);
    entries_[id] = Entry{shared, bytes, now_ms + ttl_ms_, std::prev(order_.end())};
    bytes_ += bytes;
  }
  evict(now_ms);
}

std::shared_ptr<const ThinkingCache::Blocks> ThinkingCache::find(std::string_view tool_call_id,
                                                                 int64_t now_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  evict(now_ms);
  auto it = entries_.find(std::string(tool_call_id));
  if (it == entries_.end()) return nullptr;
  return it->second.blocks;
}

size_t ThinkingCache::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return entries_.size();
}

void ThinkingCache::erase(const std::string& id) {
  auto it = entries_.find(id);
  if (it == entries_.end()) return;
  bytes_ -= it->second.bytes;
  order_.erase(it->second.position);
  entries_.erase(it);
}

void ThinkingCache::evict(int64_t now_ms) {
  while (!order_.empty()) {
    const Entry& oldest = entries_.at(order_.front());
    bool over = entries_.size() > max_entries_ || bytes_ > max_bytes_;
    if (!over && oldest.expires_ms > now_ms) break;
    erase(std::string(order_.front()));
  }
}

}  // namespace relay::openai
