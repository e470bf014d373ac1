// Applies numbered, append-only migrations; the schema version lives in PRAGMA user_version.
#pragma once

#include <sqlite3.h>

#include <string>
#include <vector>

#include "core/store/migration.h"

namespace relay::store {

struct MigrationReport {
  int from_version = 0;
  int to_version = 0;
  std::vector<std::string> applied;  // file names, in the order applied
};

int readUserVersion(sqlite3* db);

class MigrationRunner {
 public:
  // Throws StoreError unless versions are exactly 1, 2, ..., N (any input order).
  explicit MigrationRunner(std::vector<Migration> migrations);
  // The migrations compiled into this binary.
  static MigrationRunner embedded();

  int newestVersion() const { return static_cast<int>(migrations_.size()); }
  const std::vector<Migration>& migrations() const { return migrations_; }

  // Throws the "refusing to modify it" StoreError when `version` is newer than this code knows.
  void refuseIfNewer(int version, const std::string& db_label) const;

  // Applies each migration newer than the database, each in its own transaction together with
  // its user_version. A failure rolls that step back and throws, naming the file.
  // PRAGMAs are not set here: the caller does that outside any transaction.
  MigrationReport apply(sqlite3* db, const std::string& db_label) const;

 private:
  void applyOne(sqlite3* db, const Migration& migration, const std::string& db_label) const;

  std::vector<Migration> migrations_;
};

}  // namespace relay::store
