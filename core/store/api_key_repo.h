// api_keys: relay keys, stored only as hashes (the caller hashes; the key never reaches here).
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <vector>

namespace relay::store {

struct ApiKeyRow {
  std::string id;
  std::string key_hash;
  std::string name;
  int64_t created_at = 0;  // Unix ms

  bool operator==(const ApiKeyRow&) const = default;
};

struct ApiKeyRepo {
  static std::vector<ApiKeyRow> loadAll(sqlite3* db);
  static void save(sqlite3* db, const ApiKeyRow& row);
  static void remove(sqlite3* db, const std::string& id);
};

}  // namespace relay::store
