#include "core/store/account_fact_repo.h"

#include "core/store/sqlite_statement.h"

namespace relay::store {

std::map<std::string, std::string> AccountFactRepo::load(sqlite3* db,
                                                         const std::string& account_id) const {
  SqliteStatement stmt(db, "SELECT key, value_enc FROM account_facts WHERE account_id = ?1");
  stmt.bind(1, account_id);
  std::map<std::string, std::string> out;
  while (stmt.step()) {
    std::string key = stmt.columnText(0);
    std::optional<std::string> sealed = stmt.columnOptionalBlob(1);
    if (!sealed) continue;
    if (auto value = box_.open(*sealed, contextFor(account_id, key))) out[key] = *value;
  }
  return out;
}

bool AccountFactRepo::anyUnreadable(sqlite3* db, const std::string& account_id) const {
  SqliteStatement stmt(db, "SELECT key, value_enc FROM account_facts WHERE account_id = ?1");
  stmt.bind(1, account_id);
  while (stmt.step()) {
    std::optional<std::string> sealed = stmt.columnOptionalBlob(1);
    if (!sealed || !box_.open(*sealed, contextFor(account_id, stmt.columnText(0)))) return true;
  }
  return false;
}

void AccountFactRepo::save(sqlite3* db, const std::string& account_id, const std::string& key,
                           const std::string& value, int64_t now_ms) const {
  SqliteStatement stmt(db,
                       "INSERT OR REPLACE INTO account_facts (account_id, key, value_enc, "
                       "updated_at) VALUES (?1, ?2, ?3, ?4)");
  stmt.bind(1, account_id).bind(2, key);
  stmt.bindBlob(3, box_.seal(value, contextFor(account_id, key)));
  stmt.bind(4, now_ms);
  stmt.run();
}

}  // namespace relay::store
