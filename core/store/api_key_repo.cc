#include "core/store/api_key_repo.h"

#include "core/store/sqlite_statement.h"

namespace relay::store {

std::vector<ApiKeyRow> ApiKeyRepo::loadAll(sqlite3* db) {
  SqliteStatement stmt(db, "SELECT id, key_hash, name, created_at FROM api_keys ORDER BY id");
  std::vector<ApiKeyRow> rows;
  while (stmt.step()) {
    rows.push_back({stmt.columnText(0), stmt.columnText(1), stmt.columnText(2), stmt.columnInt(3)});
  }
  return rows;
}

void ApiKeyRepo::save(sqlite3* db, const ApiKeyRow& row) {
  SqliteStatement stmt(db,
                       "INSERT OR REPLACE INTO api_keys (id, key_hash, name, created_at) "
                       "VALUES (?1, ?2, ?3, ?4)");
  stmt.bind(1, row.id).bind(2, row.key_hash).bind(3, row.name).bind(4, row.created_at).run();
}

void ApiKeyRepo::remove(sqlite3* db, const std::string& id) {
  SqliteStatement stmt(db, "DELETE FROM api_keys WHERE id = ?1");
  stmt.bind(1, id).run();
}

}  // namespace relay::store
