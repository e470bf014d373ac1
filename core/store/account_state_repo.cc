#include "core/store/account_state_repo.h"

#include "core/store/sqlite_statement.h"

namespace relay::store {

std::vector<AccountStateRow> AccountStateRepo::loadAll(sqlite3* db) {
  SqliteStatement stmt(db,
                       "SELECT account_id, state, cooldown_until, disabled_reason, last_error, "
                       "last_error_at, error_count, warning, updated_at, consecutive_failures, "
                       "ejection_level, cooldown_kind FROM account_state ORDER BY account_id");
  std::vector<AccountStateRow> rows;
  while (stmt.step()) {
    AccountStateRow row;
    row.account_id = stmt.columnText(0);
    row.state = stmt.columnText(1);
    row.cooldown_until = stmt.columnOptionalInt(2);
    row.disabled_reason = stmt.columnOptionalText(3);
    row.last_error = stmt.columnOptionalText(4);
    row.last_error_at = stmt.columnOptionalInt(5);
    row.error_count = stmt.columnInt(6);
    row.warning = stmt.columnOptionalText(7);
    row.updated_at = stmt.columnInt(8);
    row.consecutive_failures = stmt.columnInt(9);
    row.ejection_level = stmt.columnInt(10);
    row.cooldown_kind = stmt.columnOptionalText(11);
    rows.push_back(std::move(row));
  }
  return rows;
}

void AccountStateRepo::save(sqlite3* db, const AccountStateRow& row) {
  SqliteStatement stmt(db,
                       "INSERT OR REPLACE INTO account_state (account_id, state, cooldown_until, "
                       "disabled_reason, last_error, last_error_at, error_count, warning, "
                       "updated_at, consecutive_failures, ejection_level, cooldown_kind) "
                       "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)");
  stmt.bind(1, row.account_id)
      .bind(2, row.state)
      .bind(3, row.cooldown_until)
      .bind(4, row.disabled_reason)
      .bind(5, row.last_error)
      .bind(6, row.last_error_at)
      .bind(7, row.error_count)
      .bind(8, row.warning)
      .bind(9, row.updated_at)
      .bind(10, row.consecutive_failures)
      .bind(11, row.ejection_level)
      .bind(12, row.cooldown_kind);
  stmt.run();
}

void AccountStateRepo::remove(sqlite3* db, const std::string& account_id) {
  SqliteStatement stmt(db, "DELETE FROM account_state WHERE account_id = ?1");
  stmt.bind(1, account_id).run();
}

}  // namespace relay::store
