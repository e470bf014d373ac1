// Opens the state database: refuses a newer schema without touching the file, creates parent
// directories, sets the connection PRAGMAs (outside any transaction), then migrates.
#pragma once

#include <sqlite3.h>

#include <memory>
#include <string>

#include "core/store/migration_runner.h"

namespace relay::store {

struct SqliteCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using SqliteHandle = std::unique_ptr<sqlite3, SqliteCloser>;

struct OpenedDatabase {
  SqliteHandle db;
  MigrationReport migrations;
};

// Schema version of the file at `path` without modifying it (0 when missing or empty).
// Reads the header directly when no -wal/-journal exists (SQLite would create -wal/-shm
// beside a WAL database even on a read-only open); otherwise opens it read-only.
int peekSchemaVersion(const std::string& path);

// ":memory:" is accepted for tests (no WAL, nothing on disk). Throws StoreError.
OpenedDatabase openDatabase(const std::string& path, const MigrationRunner& runner,
                            int busy_timeout_ms = 5000);

}  // namespace relay::store
