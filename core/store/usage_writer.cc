#include "core/store/usage_writer.h"

#include "core/store/usage_repo.h"

namespace relay::store {

namespace {

constexpr const char* kAddHourly =
    "INSERT INTO usage_hourly (hour, key_id, account_id, provider, model, requests, errors, "
    "input_tokens, output_tokens, cache_creation_tokens, cache_read_tokens, duration_ms) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) "
    "ON CONFLICT (hour, key_id, account_id, provider, model) DO UPDATE SET "
    "requests = requests + excluded.requests, errors = errors + excluded.errors, "
    "input_tokens = input_tokens + excluded.input_tokens, "
    "output_tokens = output_tokens + excluded.output_tokens, "
    "cache_creation_tokens = cache_creation_tokens + excluded.cache_creation_tokens, "
    "cache_read_tokens = cache_read_tokens + excluded.cache_read_tokens, "
    "duration_ms = duration_ms + excluded.duration_ms";

constexpr const char* kPurgeRecords = "DELETE FROM usage_records WHERE ts < ?1";

}  // namespace

void UsageTotals::add(const UsageTotals& o) {
  requests += o.requests;
  errors += o.errors;
  input_tokens += o.input_tokens;
  output_tokens += o.output_tokens;
  cache_creation_tokens += o.cache_creation_tokens;
  cache_read_tokens += o.cache_read_tokens;
  duration_ms += o.duration_ms;
}

SqliteStatement& UsageWriter::statementFor(std::unique_ptr<SqliteStatement>& slot, sqlite3* db,
                                           const char* sql) {
  if (db != db_) {
    close();
    db_ = db;
  }
  if (!slot) slot = std::make_unique<SqliteStatement>(db, sql);
  slot->reset();  // a step that threw in an earlier batch may have left it mid-way
  return *slot;
}

void UsageWriter::write(sqlite3* db, const UsageBatch& batch) {
  for (const UsageBucket& b : batch.buckets) {
    SqliteStatement& s = statementFor(add_hourly_, db, kAddHourly);
    const UsageTotals& t = b.totals;
    s.bind(1, b.hour)
        .bind(2, b.key_id)
        .bind(3, b.account_id)
        .bind(4, b.provider)
        .bind(5, b.model)
        .bind(6, t.requests)
        .bind(7, t.errors)
        .bind(8, t.input_tokens)
        .bind(9, t.output_tokens)
        .bind(10, t.cache_creation_tokens)
        .bind(11, t.cache_read_tokens)
        .bind(12, t.duration_ms);
    s.run();
  }
  for (const UsageRecord& r : batch.records) {
    SqliteStatement& s = statementFor(insert_record_, db, UsageRepo::kInsertSql);
    UsageRepo::bindRecord(s, r);
    s.run();
  }
}

int64_t UsageWriter::purgeRecordsBefore(sqlite3* db, int64_t before_ms) {
  SqliteStatement& s = statementFor(purge_records_, db, kPurgeRecords);
  s.bind(1, before_ms);
  s.run();
  return sqlite3_changes(db);
}

void UsageWriter::close() {
  add_hourly_.reset();
  insert_record_.reset();
  purge_records_.reset();
  db_ = nullptr;
}

std::vector<UsageBucket> UsageWriter::loadHourly(sqlite3* db, int64_t from_ms, int64_t to_ms) {
  SqliteStatement stmt(db,
                       "SELECT hour, key_id, account_id, provider, model, requests, errors, "
                       "input_tokens, output_tokens, cache_creation_tokens, cache_read_tokens, "
                       "duration_ms FROM usage_hourly WHERE hour >= ?1 AND hour < ?2 "
                       "ORDER BY hour, key_id, account_id, provider, model");
  stmt.bind(1, from_ms).bind(2, to_ms);
  std::vector<UsageBucket> rows;
  while (stmt.step()) {
    UsageBucket b;
    b.hour = stmt.columnInt(0);
    b.key_id = stmt.columnText(1);
    b.account_id = stmt.columnText(2);
    b.provider = stmt.columnText(3);
    b.model = stmt.columnText(4);
    b.totals.requests = stmt.columnInt(5);
    b.totals.errors = stmt.columnInt(6);
    b.totals.input_tokens = stmt.columnInt(7);
    b.totals.output_tokens = stmt.columnInt(8);
    b.totals.cache_creation_tokens = stmt.columnInt(9);
    b.totals.cache_read_tokens = stmt.columnInt(10);
    b.totals.duration_ms = stmt.columnInt(11);
    rows.push_back(std::move(b));
  }
  return rows;
}

}  // namespace relay::store
