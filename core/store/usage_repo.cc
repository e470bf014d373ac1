#include "core/store/usage_repo.h"

#include "core/store/sqlite_statement.h"

namespace relay::store {

const char* const UsageRepo::kInsertSql =
    "INSERT INTO usage_records (ts, key_id, account_id, provider, model, "
    "input_tokens, output_tokens, cache_creation_tokens, cache_read_tokens, "
    "status, duration_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)";

void UsageRepo::bindRecord(SqliteStatement& insert, const UsageRecord& r) {
  insert.bind(1, r.ts)
      .bind(2, r.key_id)
      .bind(3, r.account_id)
      .bind(4, r.provider)
      .bind(5, r.model)
      .bind(6, r.input_tokens)
      .bind(7, r.output_tokens)
      .bind(8, r.cache_creation_tokens)
      .bind(9, r.cache_read_tokens)
      .bind(10, int64_t{r.status})
      .bind(11, r.duration_ms);
}

void UsageRepo::insert(sqlite3* db, const UsageRecord& record) {
  SqliteStatement stmt(db, kInsertSql);
  bindRecord(stmt, record);
  stmt.run();
}

std::vector<UsageRecord> UsageRepo::loadRange(sqlite3* db, int64_t from_ms, int64_t to_ms) {
  SqliteStatement stmt(db,
                       "SELECT ts, key_id, account_id, provider, model, input_tokens, "
                       "output_tokens, cache_creation_tokens, cache_read_tokens, status, "
                       "duration_ms FROM usage_records WHERE ts >= ?1 AND ts < ?2 ORDER BY ts, id");
  stmt.bind(1, from_ms).bind(2, to_ms);
  std::vector<UsageRecord> rows;
  while (stmt.step()) {
    UsageRecord r;
    r.ts = stmt.columnInt(0);
    r.key_id = stmt.columnText(1);
    r.account_id = stmt.columnText(2);
    r.provider = stmt.columnText(3);
    r.model = stmt.columnText(4);
    r.input_tokens = stmt.columnInt(5);
    r.output_tokens = stmt.columnInt(6);
    r.cache_creation_tokens = stmt.columnInt(7);
    r.cache_read_tokens = stmt.columnInt(8);
    r.status = static_cast<int>(stmt.columnInt(9));
    r.duration_ms = stmt.columnInt(10);
    rows.push_back(std::move(r));
  }
  return rows;
}

}  // namespace relay::store
