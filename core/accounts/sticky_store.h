// Session key -> account bindings (PROTOCOLS.md "Sticky session key"): a binding lives
// ttl seconds; a hit with less than the renewal threshold left resets it to the full TTL.
// Thread-safe: the keys are spread over shards, each with its own mutex. Every change is
// posted to the store (batched on its thread); load() restores the bindings at start-up.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace relay {

namespace store {
class Store;
}

class StickyStore {
 public:
  // `store` may be null (nothing persisted); it must outlive this object.
  StickyStore(int ttl_seconds, int renewal_seconds, store::Store* store = nullptr);
  StickyStore(const StickyStore&) = delete;
  StickyStore& operator=(const StickyStore&) = delete;

  // Start-up: loads the unexpired bindings (blocking). Throws store::StoreError.
  void load(int64_t now_ms);
  // The bound account, or nullopt when unbound or expired; renews a binding about to expire.
  std::optional<std::string> lookup(std::string_view key, int64_t now_ms);
  // Binds `key` to `account_id` for the full TTL. Re-binding the same account only renews
  // it inside the renewal window, so a hit per request does not write per request.
  void bind(std::string_view key, std::string_view account_id, int64_t now_ms);
  void unbind(std::string_view key);
  // Drops expired bindings (memory and database); returns how many were in memory.
  size_t purgeExpired(int64_t now_ms);
  // When the binding of `key` ends (Unix ms), expired or not; for tests and diagnostics.
  std::optional<int64_t> expiresAt(std::string_view key) const;
  size_t size() const;

 private:
  struct Binding {
    std::string account_id;
    int64_t expires_at = 0;
  };
  struct KeyHash {
    using is_transparent = void;
    size_t operator()(std::string_view key) const { return std::hash<std::string_view>{}(key); }
  };
  using Map = std::unordered_map<std::string, Binding, KeyHash, std::equal_to<>>;
  struct Shard {
    mutable std::mutex mu;
    Map bindings;
  };
  static constexpr size_t kShards = 16;

  Shard& shardFor(std::string_view key) const;
  // With the shard's mutex held, so one key's rows reach the store in order.
  void persistLocked(std::string_view key, const Binding& binding);
  void persistRemovalLocked(std::string_view key);

  const int64_t ttl_ms_;
  const int64_t renewal_ms_;
  store::Store* store_;
  mutable std::array<Shard, kShards> shards_;
};

}  // namespace relay
