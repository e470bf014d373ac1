#include "core/store/family_limit_repo.h"

#include "core/store/sqlite_statement.h"

namespace relay::store {

std::vector<FamilyLimitRow> FamilyLimitRepo::loadActive(sqlite3* db, int64_t now_ms) {
  SqliteStatement stmt(db,
                       "SELECT account_id, family, until FROM model_family_limits "
                       "WHERE until > ?1 ORDER BY account_id, family");
  stmt.bind(1, now_ms);
  std::vector<FamilyLimitRow> rows;
  while (stmt.step()) {
    rows.push_back({stmt.columnText(0), stmt.columnText(1), stmt.columnInt(2)});
  }
  return rows;
}

void FamilyLimitRepo::save(sqlite3* db, const FamilyLimitRow& row) {
  SqliteStatement stmt(db,
                       "INSERT OR REPLACE INTO model_family_limits (account_id, family, until) "
                       "VALUES (?1, ?2, ?3)");
  stmt.bind(1, row.account_id).bind(2, row.family).bind(3, row.until).run();
}

void FamilyLimitRepo::remove(sqlite3* db, const std::string& account_id,
                             const std::string& family) {
  SqliteStatement stmt(db, "DELETE FROM model_family_limits WHERE account_id = ?1 AND family = ?2");
  stmt.bind(1, account_id).bind(2, family).run();
}

int FamilyLimitRepo::purgeExpired(sqlite3* db, int64_t now_ms) {
  SqliteStatement stmt(db, "DELETE FROM model_family_limits WHERE until <= ?1");
  stmt.bind(1, now_ms).run();
  return sqlite3_changes(db);
}

}  // namespace relay::store
