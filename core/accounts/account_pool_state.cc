// AccountPool: restoring persisted health at start-up, and the read-only views.
#include "core/accounts/account_pool.h"
#include "core/accounts/pool_state_rows.h"
#include "core/store/store.h"

namespace relay {

void AccountPool::loadState(int64_t now_ms) {
  if (store_ == nullptr) return;
  PersistedPoolState persisted =
      store_->query([now_ms](sqlite3* db) { return readPersistedPoolState(db, now_ms); });
  for (const auto& account : accounts_) restoreAccount(*account, persisted, now_ms);
}

void AccountPool::restoreAccount(PoolAccount& account, const PersistedPoolState& persisted,
                                 int64_t now_ms) {
  PoolAccount::HealthWrite write(account);
  AccountHealth& health = account.health_;
  auto limits = persisted.limits.find(account.id());
  if (limits != persisted.limits.end()) health.family_until = limits->second;
  auto expiry = persisted.token_expiries.find(account.id());
  if (expiry != persisted.token_expiries.end()) {
    health.token_expires_at = expiry->second;
    health.token_based = true;
  }

  auto row = persisted.states.find(account.id());
  const char* config_off = accountStateName(AccountState::kUnconfiguredDisabled);
  bool was_config_off = row != persisted.states.end() && row->second.state == config_off;
  if (row != persisted.states.end()) applyStateRow(row->second, health);
  if (!health.config_enabled && !was_config_off) {
    // Remember the config switched it off, so switching it back on can re-enable it.
    persistLocked(account, now_ms);
  } else if (health.config_enabled && was_config_off) {
    health.disabled_reason.clear();
    persistLocked(account, now_ms);
  }
}

std::map<std::string, std::map<std::string, int>> AccountPool::summary(int64_t now_ms) const {
  std::map<std::string, std::map<std::string, int>> out;
  for (const auto& account : accounts_) {
    AccountState state;
    {
      std::lock_guard lock(account->mu_);
      state = account->health_.stateAt(now_ms);
    }
    out[account->provider()][accountStateName(state)]++;
  }
  return out;
}

std::vector<AccountSnapshot> AccountPool::snapshot(int64_t now_ms) const {
  std::vector<AccountSnapshot> out;
  out.reserve(accounts_.size());
  for (const auto& account : accounts_) out.push_back(account->snapshot(now_ms));
  return out;
}

}  // namespace relay
