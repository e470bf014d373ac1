// account_state: per-account health as the account pool last saw it. Times: Unix ms.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace relay::store {

struct AccountStateRow {
  std::string account_id;
  std::string state = "active";  // the pool's state name, e.g. "active", "cooldown", "disabled"
  std::optional<int64_t> cooldown_until;
  std::optional<std::string> disabled_reason;
  std::optional<std::string> last_error;
  std::optional<int64_t> last_error_at;
  int64_t error_count = 0;
  std::optional<std::string> warning;
  int64_t updated_at = 0;
  // 0002_outlier_detection.sql
  int64_t consecutive_failures = 0;
  int64_t ejection_level = 0;
  std::optional<std::string> cooldown_kind;  // "transient", "rate_limited", "permanent"

  bool operator==(const AccountStateRow&) const = default;
};

struct AccountStateRepo {
  static std::vector<AccountStateRow> loadAll(sqlite3* db);
  // Insert or replace the row for row.account_id.
  static void save(sqlite3* db, const AccountStateRow& row);
  static void remove(sqlite3* db, const std::string& account_id);
};

}  // namespace relay::store
