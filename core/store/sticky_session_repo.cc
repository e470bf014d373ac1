#include "core/store/sticky_session_repo.h"

#include "core/store/sqlite_statement.h"

namespace relay::store {

std::vector<StickySessionRow> StickySessionRepo::loadUnexpired(sqlite3* db, int64_t now_ms) {
  SqliteStatement stmt(db,
                       "SELECT session_key, account_id, expires_at FROM sticky_sessions "
                       "WHERE expires_at > ?1 ORDER BY session_key");
  stmt.bind(1, now_ms);
  std::vector<StickySessionRow> rows;
  while (stmt.step()) {
    rows.push_back({stmt.columnText(0), stmt.columnText(1), stmt.columnInt(2)});
  }
  return rows;
}

void StickySessionRepo::upsert(sqlite3* db, const StickySessionRow& row) {
  SqliteStatement stmt(db,
                       "INSERT INTO sticky_sessions (session_key, account_id, expires_at) "
                       "VALUES (?1, ?2, ?3) ON CONFLICT (session_key) DO UPDATE SET "
                       "account_id = excluded.account_id, expires_at = excluded.expires_at");
  stmt.bind(1, row.session_key).bind(2, row.account_id).bind(3, row.expires_at).run();
}

void StickySessionRepo::remove(sqlite3* db, const std::string& session_key) {
  SqliteStatement stmt(db, "DELETE FROM sticky_sessions WHERE session_key = ?1");
  stmt.bind(1, session_key).run();
}

void StickySessionRepo::removeForAccount(sqlite3* db, const std::string& account_id) {
  SqliteStatement stmt(db, "DELETE FROM sticky_sessions WHERE account_id = ?1");
  stmt.bind(1, account_id).run();
}

int StickySessionRepo::purgeExpired(sqlite3* db, int64_t now_ms) {
  SqliteStatement stmt(db, "DELETE FROM sticky_sessions WHERE expires_at <= ?1");
  stmt.bind(1, now_ms).run();
  return sqlite3_changes(db);
}

}  // namespace relay::store
