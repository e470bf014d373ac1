#include "core/store/database_open.h"

#include <doctest/doctest.h>

#include "core/store/sqlite_statement.h"
#include "core/store/store_error.h"
#include "temp_dir.h"

namespace relay::store {
namespace {

using test::fileExists;
using test::readBytes;
using test::TempDir;

const std::vector<Migration> kTwoSteps = {
    {1, "0001_a.sql", "CREATE TABLE a (x);"},
    {2, "0002_b.sql", "CREATE TABLE b (y);"},
};

std::string pragma(sqlite3* db, const char* sql) {
  SqliteStatement stmt(db, sql);
  stmt.step();
  return stmt.columnText(0);
}

// A database as a newer relay would leave it: WAL mode, schema version 5, closed cleanly.
void makeNewerDatabase(const std::string& path) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  execSql(db,
          "PRAGMA journal_mode = WAL; CREATE TABLE future (x); INSERT INTO future VALUES (1);"
          "PRAGMA user_version = 5;");
  sqlite3_close(db);
}

}  // namespace

TEST_CASE("openDatabase creates parent directories and sets the PRAGMAs") {
  TempDir dir;
  std::string path = dir.file("nested/deeper/state.db");
  OpenedDatabase opened = openDatabase(path, MigrationRunner(kTwoSteps), 1234);
  CHECK(fileExists(path));
  CHECK(pragma(opened.db.get(), "PRAGMA journal_mode") == "wal");
  CHECK(pragma(opened.db.get(), "PRAGMA foreign_keys") == "1");
  CHECK(pragma(opened.db.get(), "PRAGMA synchronous") == "1");  // NORMAL
  CHECK(pragma(opened.db.get(), "PRAGMA busy_timeout") == "1234");
  CHECK(opened.migrations.to_version == 2);
}

TEST_CASE("re-opening keeps data and applies nothing") {
  TempDir dir;
  std::string path = dir.file("state.db");
  {
    OpenedDatabase first = openDatabase(path, MigrationRunner(kTwoSteps));
    execSql(first.db.get(), "INSERT INTO a VALUES (42)");
  }
  OpenedDatabase second = openDatabase(path, MigrationRunner(kTwoSteps));
  CHECK(second.migrations.applied.empty());
  CHECK(second.migrations.from_version == 2);
  CHECK(pragma(second.db.get(), "SELECT x FROM a") == "42");
}

TEST_CASE("a newer database is refused and left byte-for-byte untouched") {
  TempDir dir;
  std::string path = dir.file("state.db");
  makeNewerDatabase(path);
  REQUIRE_FALSE(fileExists(path + "-wal"));
  std::string before = readBytes(path);
  CHECK(peekSchemaVersion(path) == 5);
  CHECK_THROWS_WITH_AS(openDatabase(path, MigrationRunner(kTwoSteps)),
                       (path + " is at schema version 5 but this relay knows versions up to 2; "
                               "refusing to modify it \xE2\x80\x94 upgrade relay")
                           .c_str(),
                       StoreError);
  CHECK(readBytes(path) == before);
  CHECK_FALSE(fileExists(path + "-wal"));
  CHECK_FALSE(fileExists(path + "-shm"));
}

TEST_CASE("a newer database with a live WAL is refused and its main file is untouched") {
  TempDir dir;
  std::string path = dir.file("state.db");
  makeNewerDatabase(path);
  sqlite3* other = nullptr;  // another process still has it open, with frames in the WAL
  REQUIRE(sqlite3_open(path.c_str(), &other) == SQLITE_OK);
  execSql(other, "PRAGMA wal_autocheckpoint = 0; INSERT INTO future VALUES (2);");
  REQUIRE(fileExists(path + "-wal"));
  std::string before = readBytes(path);
  std::string wal_before = readBytes(path + "-wal");
  CHECK_THROWS_WITH_AS(openDatabase(path, MigrationRunner(kTwoSteps)),
                       doctest::Contains("is at schema version 5"), StoreError);
  CHECK(readBytes(path) == before);
  CHECK(readBytes(path + "-wal") == wal_before);
  sqlite3_close(other);
}

TEST_CASE("a file that is not SQLite is refused, not overwritten") {
  TempDir dir;
  std::string path = dir.file("state.db");
  {
    std::ofstream out(path, std::ios::binary);
    out << std::string(200, 'x');
  }
  CHECK_THROWS_WITH_AS(openDatabase(path, MigrationRunner(kTwoSteps)),
                       doctest::Contains("is not a SQLite database"), StoreError);
  CHECK(readBytes(path) == std::string(200, 'x'));
}

TEST_CASE("peekSchemaVersion of a missing file is 0 and creates nothing") {
  TempDir dir;
  CHECK(peekSchemaVersion(dir.file("absent.db")) == 0);
  CHECK_FALSE(fileExists(dir.file("absent.db")));
}

}  // namespace relay::store
