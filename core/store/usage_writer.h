// Writes usage batches on the store thread with statements prepared once and kept open: the hour
// sums are added to usage_hourly (an upsert per bucket), raw rows go to usage_records.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "core/store/sqlite_statement.h"
#include "core/store/usage_totals.h"

namespace relay::store {

class UsageWriter {
 public:
  // Store thread only, like the database handle it is given.
  void write(sqlite3* db, const UsageBatch& batch);
  // Deletes the raw rows older than `before_ms`; returns how many went.
  int64_t purgeRecordsBefore(sqlite3* db, int64_t before_ms);
  // Finalizes the statements (before the database closes).
  void close();

  // Buckets with from_ms <= hour < to_ms, ordered by hour, key, account, provider, model.
  static std::vector<UsageBucket> loadHourly(sqlite3* db, int64_t from_ms, int64_t to_ms);

 private:
  SqliteStatement& statementFor(std::unique_ptr<SqliteStatement>& slot, sqlite3* db,
                                const char* sql);

  sqlite3* db_ = nullptr;  // the statements below belong to it
  std::unique_ptr<SqliteStatement> add_hourly_;
  std::unique_ptr<SqliteStatement> insert_record_;
  std::unique_ptr<SqliteStatement> purge_records_;
};

}  // namespace relay::store
