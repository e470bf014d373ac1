#include "core/accounts/sticky_store.h"

#include "core/store/sticky_session_repo.h"
#include "core/store/store.h"

namespace relay {
namespace {

std::atomic<uint64_t> g_next_store_id{1};

// The calling thread's copies of the bindings it found, for one StickyStore at a time.
struct CachedBinding {
  std::string account_id;
  int64_t expires_at = 0;
  uint64_t generation = 0;  // of the key's slot when the binding was read
};

struct ThreadCache {
  static constexpr size_t kMaxEntries = 4096;  // then it starts over (bounds its memory)
  uint64_t owner = 0;
  std::unordered_map<sticky_keys::StoredKey, CachedBinding, sticky_keys::Hash, sticky_keys::Equal>
      entries;
};

ThreadCache& threadCache(uint64_t owner) {
  thread_local ThreadCache cache;
  if (cache.owner != owner) {
    cache.entries.clear();
    cache.owner = owner;
  }
  return cache;
}

}  // namespace

StickyStore::StickyStore(int ttl_seconds, int renewal_seconds, store::Store* store)
    : ttl_ms_(int64_t{ttl_seconds} * 1000),
      renewal_ms_(int64_t{renewal_seconds} * 1000),
      store_(store),
      id_(g_next_store_id.fetch_add(1, std::memory_order_relaxed)) {}

void StickyStore::load(int64_t now_ms) {
  if (store_ == nullptr) return;
  auto rows = store_->query(
      [now_ms](sqlite3* db) { return store::StickySessionRepo::loadUnexpired(db, now_ms); });
  for (auto& row : rows) {
    HashedKey key = sticky_keys::hashed(row.session_key);
    Shard& shard = shardFor(key);
    std::lock_guard lock(shard.mu);
    shard.bindings.insert_or_assign(sticky_keys::stored(key),
                                    Binding{std::move(row.account_id), row.expires_at});
    bumpLocked(key);
  }
}

void StickyStore::bumpLocked(const HashedKey& key) {
  generationFor(key).fetch_add(1, std::memory_order_release);
}

std::optional<std::string> StickyStore::lookup(std::string_view text, int64_t now_ms) {
  HashedKey key = sticky_keys::hashed(text);
  ThreadCache& cache = threadCache(id_);
  auto cached = cache.entries.find(key);
  if (cached != cache.entries.end()) {
    const CachedBinding& c = cached->second;
    if (c.generation == generationFor(key).load(std::memory_order_acquire) &&
        c.expires_at > now_ms && c.expires_at - now_ms >= renewal_ms_)
      return c.account_id;
  }

  Shard& shard = shardFor(key);
  std::lock_guard lock(shard.mu);
  auto it = shard.bindings.find(key);
  if (it == shard.bindings.end()) {
    if (cached != cache.entries.end()) cache.entries.erase(cached);
    return std::nullopt;
  }
  Binding& binding = it->second;
  if (binding.expires_at <= now_ms) {
    shard.bindings.erase(it);  // its row goes with the next purgeExpired
    if (cached != cache.entries.end()) cache.entries.erase(cached);
    return std::nullopt;
  }
  if (binding.expires_at - now_ms < renewal_ms_) {
    binding.expires_at = now_ms + ttl_ms_;
    persistLocked(text, binding);
  }
  // Read under the mutex, so it is the generation of exactly this binding.
  CachedBinding fresh{binding.account_id, binding.expires_at,
                      generationFor(key).load(std::memory_order_relaxed)};
  if (cached != cache.entries.end()) {
    cached->second = std::move(fresh);
  } else {
    if (cache.entries.size() >= ThreadCache::kMaxEntries) cache.entries.clear();
    cache.entries.emplace(sticky_keys::stored(key), std::move(fresh));
  }
  return binding.account_id;
}

void StickyStore::bind(std::string_view text, std::string_view account_id, int64_t now_ms) {
  HashedKey key = sticky_keys::hashed(text);
  Shard& shard = shardFor(key);
  std::lock_guard lock(shard.mu);
  auto it = shard.bindings.find(key);
  if (it == shard.bindings.end()) {
    it = shard.bindings.emplace(sticky_keys::stored(key), Binding{}).first;
  } else if (it->second.account_id == account_id && it->second.expires_at - now_ms >= renewal_ms_) {
    return;
  }
  it->second = Binding{std::string(account_id), now_ms + ttl_ms_};
  bumpLocked(key);
  persistLocked(text, it->second);
}

void StickyStore::unbind(std::string_view text) {
  HashedKey key = sticky_keys::hashed(text);
  Shard& shard = shardFor(key);
  std::lock_guard lock(shard.mu);
  auto it = shard.bindings.find(key);
  if (it == shard.bindings.end()) return;
  shard.bindings.erase(it);
  bumpLocked(key);
  persistRemovalLocked(text);
}

size_t StickyStore::purgeExpired(int64_t now_ms) {
  size_t purged = 0;
  for (Shard& shard : shards_) {
    std::lock_guard lock(shard.mu);
    purged += std::erase_if(
        shard.bindings, [now_ms](const auto& entry) { return entry.second.expires_at <= now_ms; });
  }
  if (store_ != nullptr) {
    store_->post([now_ms](sqlite3* db) { store::StickySessionRepo::purgeExpired(db, now_ms); });
  }
  return purged;
}

std::optional<int64_t> StickyStore::expiresAt(std::string_view text) const {
  HashedKey key = sticky_keys::hashed(text);
  Shard& shard = shardFor(key);
  std::lock_guard lock(shard.mu);
  auto it = shard.bindings.find(key);
  if (it == shard.bindings.end()) return std::nullopt;
  return it->second.expires_at;
}

size_t StickyStore::size() const {
  size_t total = 0;
  for (const Shard& shard : shards_) {
    std::lock_guard lock(shard.mu);
    total += shard.bindings.size();
  }
  return total;
}

void StickyStore::persistLocked(std::string_view key, const Binding& binding) {
  if (store_ == nullptr) return;
  store::StickySessionRow row{std::string(key), binding.account_id, binding.expires_at};
  store_->post([row = std::move(row)](sqlite3* db) { store::StickySessionRepo::upsert(db, row); });
}

void StickyStore::persistRemovalLocked(std::string_view key) {
  if (store_ == nullptr) return;
  store_->post(
      [key = std::string(key)](sqlite3* db) { store::StickySessionRepo::remove(db, key); });
}

}  // namespace relay
