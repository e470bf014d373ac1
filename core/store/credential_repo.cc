#include "core/store/credential_repo.h"

#include <algorithm>

#include "core/store/sqlite_statement.h"

namespace relay::store {

std::optional<CredentialRecord> CredentialRepo::load(sqlite3* db,
                                                     const std::string& account_id) const {
  SqliteStatement stmt(db,
                       "SELECT access_token_enc, refresh_token_enc, expires_at, "
                       "config_token_hash, updated_at FROM credentials WHERE account_id = ?1");
  stmt.bind(1, account_id);
  if (!stmt.step()) return std::nullopt;
  CredentialRecord record;
  record.account_id = account_id;
  auto openColumn = [&](int column, const char* name, std::optional<std::string>& out) {
    std::optional<std::string> sealed = stmt.columnOptionalBlob(column);
    if (!sealed) return;
    out = box_.open(*sealed, contextFor(account_id, name));
    if (!out) record.undecryptable = true;
  };
  openColumn(0, "access_token", record.access_token);
  openColumn(1, "refresh_token", record.refresh_token);
  if (record.undecryptable) {
    record.access_token.reset();
    record.refresh_token.reset();
  }
  record.expires_at = stmt.columnOptionalInt(2);
  record.config_token_hash = stmt.columnOptionalText(3);
  record.updated_at = stmt.columnInt(4);
  return record;
}

void CredentialRepo::save(sqlite3* db, const CredentialRecord& record) const {
  SqliteStatement stmt(db,
                       "INSERT OR REPLACE INTO credentials (account_id, access_token_enc, "
                       "refresh_token_enc, expires_at, config_token_hash, updated_at) "
                       "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  stmt.bind(1, record.account_id);
  auto bindSealed = [&](int index, const char* name, const std::optional<std::string>& token) {
    if (!token) {
      stmt.bindNull(index);
    } else {
      stmt.bindBlob(index, box_.seal(*token, contextFor(record.account_id, name)));
    }
  };
  bindSealed(2, "access_token", record.access_token);
  bindSealed(3, "refresh_token", record.refresh_token);
  stmt.bind(4, record.expires_at).bind(5, record.config_token_hash).bind(6, record.updated_at);
  stmt.run();
}

bool CredentialRepo::saveIfKnown(sqlite3* db, const CredentialRecord& record,
                                 const std::vector<int64_t>& known_stamps) const {
  SqliteStatement stmt(db, "SELECT updated_at FROM credentials WHERE account_id = ?1");
  stmt.bind(1, record.account_id);
  if (stmt.step()) {
    int64_t stamp = stmt.columnInt(0);
    if (std::find(known_stamps.begin(), known_stamps.end(), stamp) == known_stamps.end())
      return false;
  }
  save(db, record);
  return true;
}

void CredentialRepo::remove(sqlite3* db, const std::string& account_id) const {
  SqliteStatement stmt(db, "DELETE FROM credentials WHERE account_id = ?1");
  stmt.bind(1, account_id).run();
}

}  // namespace relay::store
