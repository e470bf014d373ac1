// Session key -> account bindings (PROTOCOLS.md "Sticky session key"): a binding lives
// ttl seconds; a hit with less than the renewal threshold left resets it to the full TTL.
// Thread-safe: the keys are spread over shards, each with its own mutex. Every change is
// posted to the store (batched on its thread); load() restores the bindings at start-up.
//
// A hit takes no lock: each thread keeps the bindings it looked up in its own cache, and an entry
// is used only while (1) the key's generation is unchanged since the entry was read (bind and
// unbind bump it, under the shard's mutex, after changing the binding), and (2) it is outside the
// renewal window (a renewal, or finding the binding expired, goes through the shard, as before).
// A renewal elsewhere only lengthens a binding, so a cached end is never later than the real
// one. Every worker therefore sees a binding change by any other at its next lookup.
#pragma once

#include <array>
#include <atomic>
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

// A session key with its hash, computed once per call: the shard, the generation slot, the
// shard's map and the thread cache all use it, and the maps keep each key's hash, so they never
// hash a key again (not even when they grow).
namespace sticky_keys {
struct HashedKey {
  std::string_view text;
  size_t hash;
};
struct StoredKey {
  std::string text;
  size_t hash;
};
struct Hash {
  using is_transparent = void;
  size_t operator()(const StoredKey& key) const { return key.hash; }
  size_t operator()(const HashedKey& key) const { return key.hash; }
};
struct Equal {
  using is_transparent = void;
  template <class A, class B>
  bool operator()(const A& a, const B& b) const {
    return a.hash == b.hash && std::string_view(a.text) == std::string_view(b.text);
  }
};
inline HashedKey hashed(std::string_view key) {
  return {key, std::hash<std::string_view>{}(key)};
}
inline StoredKey stored(const HashedKey& key) {
  return {std::string(key.text), key.hash};
}
}  // namespace sticky_keys

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
  using HashedKey = sticky_keys::HashedKey;
  using Map =
      std::unordered_map<sticky_keys::StoredKey, Binding, sticky_keys::Hash, sticky_keys::Equal>;
  struct Shard {
    mutable std::mutex mu;
    Map bindings;
  };
  static constexpr size_t kShards = 16;
  // Finer than the shards, so a bind invalidates few cached entries elsewhere.
  static constexpr size_t kGenerations = 256;

  Shard& shardFor(const HashedKey& key) const { return shards_[key.hash % kShards]; }
  std::atomic<uint64_t>& generationFor(const HashedKey& key) const {
    return generations_[key.hash % kGenerations];
  }
  // With the shard's mutex held, after the change.
  void bumpLocked(const HashedKey& key);
  // With the shard's mutex held, so one key's rows reach the store in order.
  void persistLocked(std::string_view key, const Binding& binding);
  void persistRemovalLocked(std::string_view key);

  const int64_t ttl_ms_;
  const int64_t renewal_ms_;
  store::Store* store_;
  const uint64_t id_;  // unique for the process's lifetime: the thread caches' owner tag
  mutable std::array<Shard, kShards> shards_;
  mutable std::array<std::atomic<uint64_t>, kGenerations> generations_{};
};

}  // namespace relay
