#include "core/accounts/sticky_store.h"

#include "core/store/sticky_session_repo.h"
#include "core/store/store.h"

namespace relay {

StickyStore::StickyStore(int ttl_seconds, int renewal_seconds, store::Store* store)
    : ttl_ms_(int64_t{ttl_seconds} * 1000),
      renewal_ms_(int64_t{renewal_seconds} * 1000),
      store_(store) {}

StickyStore::Shard& StickyStore::shardFor(std::string_view key) const {
  return shards_[KeyHash{}(key) % kShards];
}

void StickyStore::load(int64_t now_ms) {
  if (store_ == nullptr) return;
  auto rows = store_->query(
      [now_ms](sqlite3* db) { return store::StickySessionRepo::loadUnexpired(db, now_ms); });
  for (auto& row : rows) {
    Shard& shard = shardFor(row.session_key);
    std::lock_guard lock(shard.mu);
    shard.bindings[row.session_key] = Binding{std::move(row.account_id), row.expires_at};
  }
}

std::optional<std::string> StickyStore::lookup(std::string_view key, int64_t now_ms) {
  Shard& shard = shardFor(key);
  std::lock_guard lock(shard.mu);
  auto it = shard.bindings.find(key);
  if (it == shard.bindings.end()) return std::nullopt;
  Binding& binding = it->second;
  if (binding.expires_at <= now_ms) {
    shard.bindings.erase(it);  // its row goes with the next purgeExpired
    return std::nullopt;
  }
  if (binding.expires_at - now_ms < renewal_ms_) {
    binding.expires_at = now_ms + ttl_ms_;
    persistLocked(key, binding);
  }
  return binding.account_id;
}

void StickyStore::bind(std::string_view key, std::string_view account_id, int64_t now_ms) {
  Shard& shard = shardFor(key);
  std::lock_guard lock(shard.mu);
  auto it = shard.bindings.find(key);
  if (it == shard.bindings.end()) {
    it = shard.bindings.emplace(std::string(key), Binding{}).first;
  } else if (it->second.account_id == account_id && it->second.expires_at - now_ms >= renewal_ms_) {
    return;
  }
  it->second = Binding{std::string(account_id), now_ms + ttl_ms_};
  persistLocked(key, it->second);
}

void StickyStore::unbind(std::string_view key) {
  Shard& shard = shardFor(key);
  std::lock_guard lock(shard.mu);
  auto it = shard.bindings.find(key);
  if (it == shard.bindings.end()) return;
  shard.bindings.erase(it);
  persistRemovalLocked(key);
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

std::optional<int64_t> StickyStore::expiresAt(std::string_view key) const {
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
