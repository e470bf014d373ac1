// sticky_sessions: session key -> account binding until expires_at (Unix ms).
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <vector>

namespace relay::store {

struct StickySessionRow {
  std::string session_key;
  std::string account_id;
  int64_t expires_at = 0;

  bool operator==(const StickySessionRow&) const = default;
};

struct StickySessionRepo {
  static std::vector<StickySessionRow> loadUnexpired(sqlite3* db, int64_t now_ms);
  // Insert, or move/renew an existing binding.
  static void upsert(sqlite3* db, const StickySessionRow& row);
  static void remove(sqlite3* db, const std::string& session_key);
  // Every binding of one account (the account was removed or disabled).
  static void removeForAccount(sqlite3* db, const std::string& account_id);
  // Returns how many expired rows were deleted.
  static int purgeExpired(sqlite3* db, int64_t now_ms);
};

}  // namespace relay::store
