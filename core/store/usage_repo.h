// usage_records: one row per finished upstream request.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <vector>

namespace relay::store {

class SqliteStatement;

struct UsageRecord {
  int64_t ts = 0;      // Unix ms when the request finished
  std::string key_id;  // relay key id (never the key)
  std::string account_id;
  std::string provider;
  std::string model;
  int64_t input_tokens = 0;
  int64_t output_tokens = 0;
  int64_t cache_creation_tokens = 0;
  int64_t cache_read_tokens = 0;
  int status = 0;  // HTTP status sent to the client
  int64_t duration_ms = 0;

  bool operator==(const UsageRecord&) const = default;
};

struct UsageRepo {
  // The one INSERT for a record, with ?1..?11 filled by bindRecord: UsageWriter keeps it prepared.
  static const char* const kInsertSql;
  static void bindRecord(SqliteStatement& insert, const UsageRecord& record);

  // A one-off insert (prepares kInsertSql each call).
  static void insert(sqlite3* db, const UsageRecord& record);
  // Records with from_ms <= ts < to_ms, oldest first.
  static std::vector<UsageRecord> loadRange(sqlite3* db, int64_t from_ms, int64_t to_ms);
};

}  // namespace relay::store
