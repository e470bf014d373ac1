// model_family_limits: a model family (as the provider plugin names it) limited on one account
// until a time (Unix ms).
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <vector>

namespace relay::store {

struct FamilyLimitRow {
  std::string account_id;
  std::string family;
  int64_t until = 0;

  bool operator==(const FamilyLimitRow&) const = default;
};

struct FamilyLimitRepo {
  // Only limits still in force at now_ms.
  static std::vector<FamilyLimitRow> loadActive(sqlite3* db, int64_t now_ms);
  static void save(sqlite3* db, const FamilyLimitRow& row);
  static void remove(sqlite3* db, const std::string& account_id, const std::string& family);
  // Returns how many expired rows were deleted.
  static int purgeExpired(sqlite3* db, int64_t now_ms);
};

}  // namespace relay::store
