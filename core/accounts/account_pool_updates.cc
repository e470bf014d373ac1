// AccountPool: the changes request handling makes to an account, each persisted once made.
#include <algorithm>

#include "core/accounts/account_pool.h"
#include "core/accounts/pool_state_rows.h"
#include "core/obs/log.h"
#include "core/obs/redact.h"
#include "core/store/family_limit_repo.h"
#include "core/store/store.h"

namespace relay {
namespace {

constexpr size_t kMaxErrorText = 500;

std::string errorText(std::string_view message) {
  std::string text = redactSecrets(message);
  if (text.size() > kMaxErrorText) text.resize(kMaxErrorText);
  std::replace_if(
      text.begin(), text.end(), [](char c) { return c == '\n' || c == '\r' || c == '\t'; }, ' ');
  return text;
}

}  // namespace

void AccountPool::markSuccess(PoolAccount& account, std::string_view warning) {
  // The common case changes nothing: told from the published values, without the mutex.
  if (warning.empty() && account.nothing_to_clear_.load(std::memory_order_acquire)) {
    int64_t transient_until = account.transient_until_.load(std::memory_order_acquire);
    if (transient_until == 0 || transient_until <= clock_()) return;
  }
  PoolAccount::HealthWrite write(account);
  AccountHealth& health = account.health_;
  int64_t now = clock_();
  bool probed_out = health.cooldown_kind == CooldownKind::kTransient && health.cooldown_until > now;
  // The common case changes nothing and must not touch the store.
  if (health.error_count == 0 && health.warning == warning && health.consecutive_failures == 0 &&
      health.ejection_level == 0 && !probed_out)
    return;
  if (health.ejection_level > 0 || probed_out)
    logf(LogLevel::kInfo, "accounts", "account %s recovered after %lld ejection(s) in a row",
         account.id().c_str(), static_cast<long long>(health.ejection_level));
  if (probed_out) {
    health.cooldown_until = 0;
    health.cooldown_reason.clear();
    health.cooldown_kind = CooldownKind::kNone;
  }
  health.error_count = 0;
  health.consecutive_failures = 0;
  health.ejection_level = 0;
  health.warning = std::string(warning);
  persistLocked(account, now);
}

void AccountPool::cooldown(PoolAccount& account, int64_t until_ms, std::string_view reason,
                           CooldownKind kind) {
  PoolAccount::HealthWrite write(account);
  AccountHealth& health = account.health_;
  if (until_ms <= health.cooldown_until) return;
  health.cooldown_until = until_ms;
  health.cooldown_reason = reason.empty() ? "cooldown" : std::string(reason);
  health.cooldown_kind = kind;
  persistLocked(account, clock_());
}

void AccountPool::disable(PoolAccount& account, std::string_view reason) {
  PoolAccount::HealthWrite write(account);
  std::string text = reason.empty() ? std::string("disabled") : errorText(reason);
  if (account.health_.disabled_reason == text) return;
  account.health_.disabled_reason = std::move(text);
  persistLocked(account, clock_());
}

bool AccountPool::enable(std::string_view id) {
  PoolAccount* account = find(id);
  if (account == nullptr) return false;
  PoolAccount::HealthWrite write(*account);
  AccountHealth& health = account->health_;
  health.disabled_reason.clear();
  health.cooldown_until = 0;
  health.cooldown_reason.clear();
  health.cooldown_kind = CooldownKind::kNone;
  health.error_count = 0;
  health.consecutive_failures = 0;
  health.ejection_level = 0;
  persistLocked(*account, clock_());
  return true;
}

void AccountPool::limitFamily(PoolAccount& account, std::string_view family, int64_t until_ms) {
  if (family.empty()) {
    cooldown(account, until_ms, "rate limited", CooldownKind::kRateLimited);
    return;
  }
  PoolAccount::HealthWrite write(account);
  auto [it, inserted] = account.health_.family_until.try_emplace(std::string(family), until_ms);
  if (!inserted) {
    if (until_ms <= it->second) return;
    it->second = until_ms;
  }
  persistFamilyLocked(account, it->first, until_ms);
}

void AccountPool::recordError(PoolAccount& account, std::string_view message) {
  std::string text = errorText(message);
  PoolAccount::HealthWrite write(account);
  int64_t now = clock_();
  AccountHealth& health = account.health_;
  health.error_count += 1;
  health.last_error = std::move(text);
  health.last_error_at = now;
  persistLocked(account, now);
}

void AccountPool::setTokenExpiry(PoolAccount& account, int64_t expires_at_ms) {
  PoolAccount::HealthWrite write(account);
  account.health_.token_expires_at = expires_at_ms;
}

void AccountPool::persistLocked(const PoolAccount& account, int64_t now_ms) {
  if (store_ == nullptr) return;
  store_->post([row = toStateRow(account.id(), account.health_, now_ms)](sqlite3* db) {
    store::AccountStateRepo::save(db, row);
  });
}

void AccountPool::persistFamilyLocked(const PoolAccount& account, const std::string& family,
                                      int64_t until) {
  if (store_ == nullptr) return;
  store_->post([row = store::FamilyLimitRow{account.id(), family, until}](sqlite3* db) {
    store::FamilyLimitRepo::save(db, row);
  });
}

}  // namespace relay
