#include "core/store/migration_runner.h"

#include <doctest/doctest.h>

#include "core/store/database_open.h"
#include "core/store/sqlite_statement.h"
#include "core/store/store_error.h"

namespace relay::store {
namespace {

SqliteHandle memoryDb() {
  sqlite3* db = nullptr;
  sqlite3_open(":memory:", &db);
  return SqliteHandle(db);
}

bool tableExists(sqlite3* db, const char* name) {
  SqliteStatement stmt(db, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?1");
  stmt.bind(1, name);
  stmt.step();
  return stmt.columnInt(0) == 1;
}

const std::vector<Migration> kTwoSteps = {
    // Given out of order on purpose: the runner sorts by version.
    {2, "0002_items.sql", "CREATE TABLE items (id INTEGER PRIMARY KEY, owner TEXT);"},
    {1, "0001_owners.sql", "CREATE TABLE owners (name TEXT PRIMARY KEY);"},
};

}  // namespace

TEST_CASE("embedded migrations start at 0001_init.sql and are contiguous") {
  MigrationRunner runner = MigrationRunner::embedded();
  REQUIRE(runner.newestVersion() >= 1);
  CHECK(runner.migrations()[0].name == "0001_init.sql");
  CHECK(runner.migrations()[0].sql.find("CREATE TABLE account_state") != std::string_view::npos);
}

TEST_CASE("migrations are applied in version order and set user_version") {
  auto db = memoryDb();
  MigrationRunner runner(kTwoSteps);
  MigrationReport report = runner.apply(db.get(), "test.db");
  CHECK(report.from_version == 0);
  CHECK(report.to_version == 2);
  CHECK(report.applied == std::vector<std::string>{"0001_owners.sql", "0002_items.sql"});
  CHECK(readUserVersion(db.get()) == 2);
  CHECK(tableExists(db.get(), "owners"));
  CHECK(tableExists(db.get(), "items"));
}

TEST_CASE("re-applying is a no-op and only newer steps run on an older database") {
  auto db = memoryDb();
  MigrationRunner({kTwoSteps[1]}).apply(db.get(), "test.db");
  execSql(db.get(), "INSERT INTO owners VALUES ('kept')");
  MigrationReport report = MigrationRunner(kTwoSteps).apply(db.get(), "test.db");
  CHECK(report.applied == std::vector<std::string>{"0002_items.sql"});
  MigrationReport again = MigrationRunner(kTwoSteps).apply(db.get(), "test.db");
  CHECK(again.applied.empty());
  CHECK(again.from_version == 2);
  SqliteStatement count(db.get(), "SELECT count(*) FROM owners");
  count.step();
  CHECK(count.columnInt(0) == 1);
}

TEST_CASE("a failing migration rolls back and names the file") {
  auto db = memoryDb();
  std::vector<Migration> list = {
      kTwoSteps[1],
      {2, "0002_broken.sql", "CREATE TABLE half (x); INSERT INTO missing_table VALUES (1);"},
  };
  std::string message;
  try {
    MigrationRunner(list).apply(db.get(), "/var/lib/relay/state.db");
  } catch (const StoreError& error) {
    message = error.what();
  }
  CHECK(message.find("0002_broken.sql") != std::string::npos);
  CHECK(message.find("/var/lib/relay/state.db") != std::string::npos);
  CHECK(message.find("missing_table") != std::string::npos);
  CHECK(message.find("schema version 1") != std::string::npos);
  CHECK(readUserVersion(db.get()) == 1);
  CHECK(tableExists(db.get(), "owners"));
  CHECK_FALSE(tableExists(db.get(), "half"));
  CHECK(sqlite3_get_autocommit(db.get()) != 0);  // no transaction left open
}

TEST_CASE("a migration that commits on its own is rejected") {
  auto db = memoryDb();
  std::vector<Migration> list = {{1, "0001_sneaky.sql", "CREATE TABLE t (x); COMMIT;"}};
  CHECK_THROWS_WITH_AS(MigrationRunner(list).apply(db.get(), "x.db"),
                       doctest::Contains("must not contain BEGIN/COMMIT"), StoreError);
  CHECK(readUserVersion(db.get()) == 0);
}

TEST_CASE("gaps and duplicates in numbering are refused") {
  CHECK_THROWS_AS(MigrationRunner({{1, "0001_a.sql", ""}, {3, "0003_c.sql", ""}}), StoreError);
  CHECK_THROWS_AS(MigrationRunner({{1, "0001_a.sql", ""}, {1, "0001_b.sql", ""}}), StoreError);
  CHECK_THROWS_AS(MigrationRunner({{2, "0002_a.sql", ""}}), StoreError);
}

TEST_CASE("refuseIfNewer says which versions and what to do") {
  MigrationRunner runner(kTwoSteps);
  CHECK_NOTHROW(runner.refuseIfNewer(2, "a.db"));
  CHECK_THROWS_WITH_AS(runner.refuseIfNewer(5, "a.db"),
                       "a.db is at schema version 5 but this relay knows versions up to 2; "
                       "refusing to modify it \xE2\x80\x94 upgrade relay",
                       StoreError);
}

}  // namespace relay::store
