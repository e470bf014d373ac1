#include "core/accounts/pool_state_rows.h"

#include "core/store/sqlite_statement.h"

namespace relay {
namespace {

std::optional<int64_t> timeOrNull(int64_t ms) {
  return ms > 0 ? std::optional<int64_t>(ms) : std::nullopt;
}

std::optional<std::string> textOrNull(const std::string& text) {
  return text.empty() ? std::nullopt : std::optional<std::string>(text);
}

// The expiry column alone (0: unknown): the tokens are sealed and the pool has no business
// opening them.
std::map<std::string, int64_t> readTokenExpiries(sqlite3* db) {
  store::SqliteStatement stmt(db, "SELECT account_id, COALESCE(expires_at, 0) FROM credentials");
  std::map<std::string, int64_t> out;
  while (stmt.step()) out[stmt.columnText(0)] = stmt.columnInt(1);
  return out;
}

}  // namespace

PersistedPoolState readPersistedPoolState(sqlite3* db, int64_t now_ms) {
  PersistedPoolState out;
  for (auto& row : store::AccountStateRepo::loadAll(db)) {
    std::string id = row.account_id;
    out.states.emplace(std::move(id), std::move(row));
  }
  store::FamilyLimitRepo::purgeExpired(db, now_ms);
  for (const auto& row : store::FamilyLimitRepo::loadActive(db, now_ms)) {
    out.limits[row.account_id][row.family] = row.until;
  }
  out.token_expiries = readTokenExpiries(db);
  return out;
}

store::AccountStateRow toStateRow(const std::string& account_id, const AccountHealth& health,
                                  int64_t now_ms) {
  store::AccountStateRow row;
  row.account_id = account_id;
  row.state = accountStateName(health.stateAt(now_ms));
  row.cooldown_until = timeOrNull(health.cooldown_until);
  row.disabled_reason = textOrNull(health.disabled_reason);
  row.last_error = textOrNull(health.last_error);
  row.last_error_at = timeOrNull(health.last_error_at);
  row.error_count = health.error_count;
  row.warning = textOrNull(health.warning);
  row.updated_at = now_ms;
  row.consecutive_failures = health.consecutive_failures;
  row.ejection_level = health.ejection_level;
  row.cooldown_kind = textOrNull(cooldownKindName(health.cooldown_kind));
  return row;
}

void applyStateRow(const store::AccountStateRow& row, AccountHealth& health) {
  health.cooldown_until = row.cooldown_until.value_or(0);
  health.disabled_reason = row.disabled_reason.value_or("");
  health.last_error = row.last_error.value_or("");
  health.last_error_at = row.last_error_at.value_or(0);
  health.error_count = row.error_count;
  health.warning = row.warning.value_or("");
  health.consecutive_failures = row.consecutive_failures;
  health.ejection_level = row.ejection_level;
  health.cooldown_kind = parseCooldownKind(row.cooldown_kind.value_or(""));
  // The schema has no column for it; the last error is the best account of why.
  if (health.cooldown_until > 0 && health.cooldown_reason.empty()) {
    health.cooldown_reason = health.last_error;
  }
}

}  // namespace relay
