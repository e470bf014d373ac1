#include "core/store/migration_runner.h"

#include <algorithm>

#include "core/store/sqlite_statement.h"
#include "core/store/store_error.h"

namespace relay::store {

int readUserVersion(sqlite3* db) {
  SqliteStatement stmt(db, "PRAGMA user_version");
  return stmt.step() ? static_cast<int>(stmt.columnInt(0)) : 0;
}

MigrationRunner::MigrationRunner(std::vector<Migration> migrations)
    : migrations_(std::move(migrations)) {
  std::sort(migrations_.begin(), migrations_.end(),
            [](const Migration& a, const Migration& b) { return a.version < b.version; });
  for (size_t i = 0; i < migrations_.size(); ++i) {
    if (migrations_[i].version != static_cast<int>(i + 1)) {
      throw StoreError("migration " + std::string(migrations_[i].name) + " has version " +
                       std::to_string(migrations_[i].version) + " but version " +
                       std::to_string(i + 1) + " was expected (numbered 1, 2, ... without gaps)");
    }
  }
}

MigrationRunner MigrationRunner::embedded() {
  auto list = embeddedMigrations();
  return MigrationRunner(std::vector<Migration>(list.begin(), list.end()));
}

void MigrationRunner::refuseIfNewer(int version, const std::string& db_label) const {
  if (version <= newestVersion()) return;
  throw StoreError(db_label + " is at schema version " + std::to_string(version) +
                   " but this relay knows versions up to " + std::to_string(newestVersion()) +
                   "; refusing to modify it \xE2\x80\x94 upgrade relay");
}

MigrationReport MigrationRunner::apply(sqlite3* db, const std::string& db_label) const {
  MigrationReport report;
  report.from_version = readUserVersion(db);
  refuseIfNewer(report.from_version, db_label);
  for (const Migration& migration : migrations_) {
    if (migration.version <= report.from_version) continue;
    applyOne(db, migration, db_label);
    report.applied.emplace_back(migration.name);
  }
  report.to_version = readUserVersion(db);
  return report;
}

void MigrationRunner::applyOne(sqlite3* db, const Migration& migration,
                               const std::string& db_label) const {
  std::string why;
  try {
    execSql(db, "BEGIN IMMEDIATE");
    execSql(db, std::string(migration.sql).c_str());
    // A migration that commits on its own would break the one-transaction-per-step rule.
    if (sqlite3_get_autocommit(db)) {
      why = "it must not contain BEGIN/COMMIT (the runner wraps each step in a transaction)";
    } else {
      execSql(db, ("PRAGMA user_version = " + std::to_string(migration.version)).c_str());
      execSql(db, "COMMIT");
      return;
    }
  } catch (const StoreError& error) {
    why = error.what();
  }
  if (!sqlite3_get_autocommit(db)) sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
  throw StoreError("migration " + std::string(migration.name) + " failed on " + db_label + ": " +
                   why + "; rolled back, the database stays at schema version " +
                   std::to_string(readUserVersion(db)));
}

}  // namespace relay::store
