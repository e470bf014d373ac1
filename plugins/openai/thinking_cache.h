// Signed thinking blocks of Chat Completions responses, kept by the ids of the tool calls they
// preceded: Chat has no field to carry them, and Anthropic rejects a tool-use turn that comes
// back without them while thinking is on. Bounded (entries and bytes), expiring, thread-safe.
#ifndef RELAY_PLUGINS_OPENAI_THINKING_CACHE_H
#define RELAY_PLUGINS_OPENAI_THINKING_CACHE_H

#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace relay::openai {

class ThinkingCache {
 public:
  using Blocks = std::vector<std::string>;  // serialized thinking / redacted_thinking blocks

  ThinkingCache(size_t max_entries, size_t max_bytes, int64_t ttl_ms);

  // Keeps blocks under every id of tool_call_ids (nothing when either list is empty).
  void put(const std::vector<std::string>& tool_call_ids, Blocks blocks, int64_t now_ms);
  // The blocks kept for a tool call id, or nullptr when unknown or expired.
  std::shared_ptr<const Blocks> find(std::string_view tool_call_id, int64_t now_ms);
  size_t size() const;

  // The process-wide cache the translators use: 4096 entries, 64 MiB, one hour.
  static ThinkingCache& shared();

 private:
  struct Entry {
    std::shared_ptr<const Blocks> blocks;
    size_t bytes;
    int64_t expires_ms;
    std::list<std::string>::iterator position;
  };
  void erase(const std::string& id);
  void evict(int64_t now_ms);

  const size_t max_entries_;
  const size_t max_bytes_;
  const int64_t ttl_ms_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Entry> entries_;
  std::list<std::string> order_;  // oldest first: expiry and eviction order
  size_t bytes_ = 0;
};

}  // namespace relay::openai

#endif
