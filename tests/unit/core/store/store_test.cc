#include "core/store/store.h"

#include <doctest/doctest.h>

#include <chrono>
#include <future>
#include <optional>
#include <thread>

#include "core/store/sqlite_statement.h"
#include "core/store/usage_repo.h"
#include "temp_dir.h"

namespace relay::store {
namespace {

void insertUsage(sqlite3* db, int64_t ts) {
  UsageRecord record;
  record.ts = ts;
  record.key_id = "key";
  UsageRepo::insert(db, record);
}

int64_t countUsage(sqlite3* db) {
  SqliteStatement stmt(db, "SELECT count(*) FROM usage_records");
  stmt.step();
  return stmt.columnInt(0);
}

StoreOptions optionsFor(const std::string& path) {
  StoreOptions options;
  options.path = path;
  return options;
}

struct StoreFixture {
  test::TempDir dir;
  std::string path = dir.file("data/state.db");
  std::vector<std::string> errors;  // written on the store thread, read after flush()
  std::unique_ptr<Store> store =
      Store::open({path, 5000, [this](const std::string& message) { errors.push_back(message); }});
};

}  // namespace

TEST_CASE_FIXTURE(StoreFixture, "Store::open applies the embedded migrations once") {
  CHECK(store->migrationReport().applied ==
        std::vector<std::string>{"0001_init.sql", "0002_outlier_detection.sql",
                                 "0003_account_facts.sql", "0004_usage_hourly.sql"});
  CHECK(test::scalarFromFile(path, "PRAGMA user_version") ==
        MigrationRunner::embedded().newestVersion());
  store.reset();
  store = Store::open(optionsFor(path));
  CHECK(store->migrationReport().applied.empty());
  CHECK(store->query([](sqlite3* db) {
    SqliteStatement stmt(db, "PRAGMA journal_mode");
    stmt.step();
    return stmt.columnText(0);
  }) == "wal");
}

TEST_CASE_FIXTURE(StoreFixture, "many posts are committed and flush waits for them") {
  for (int i = 0; i < 500; ++i) store->post([i](sqlite3* db) { insertUsage(db, i); });
  store->flush();
  // A separate connection sees only committed rows.
  CHECK(test::scalarFromFile(path, "SELECT count(*) FROM usage_records") == 500);
  CHECK(store->stats().jobs_run == 500);
}

TEST_CASE_FIXTURE(StoreFixture, "everything queued while the thread is busy runs in one batch") {
  std::promise<void> started, release;
  auto release_future = release.get_future().share();
  store->post([&started, release_future](sqlite3* db) {
    started.set_value();
    release_future.wait();
    insertUsage(db, 0);
  });
  started.get_future().wait();
  const uint64_t batches_before = store->stats().batches_committed;
  for (int i = 1; i <= 100; ++i) store->post([i](sqlite3* db) { insertUsage(db, i); });
  release.set_value();
  store->flush();
  // The blocking job's batch, one batch with all 100 posts, and at most one more for the flush
  // marker (posted after the release). One transaction per post would be 101.
  CHECK(store->stats().batches_committed - batches_before <= 3);
  CHECK(store->query(countUsage) == 101);
}

TEST_CASE_FIXTURE(StoreFixture, "a failing job is undone alone and reported") {
  store->post([](sqlite3* db) { insertUsage(db, 1); });
  store->post([](sqlite3* db) {
    insertUsage(db, 2);
    throw StoreError("boom in job");
  });
  store->post([](sqlite3* db) { insertUsage(db, 3); });
  store->flush();
  auto rows = store->query([](sqlite3* db) { return UsageRepo::loadRange(db, 0, 10); });
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].ts == 1);
  CHECK(rows[1].ts == 3);
  CHECK(store->stats().jobs_failed == 1);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].find("boom in job") != std::string::npos);
}

TEST_CASE_FIXTURE(StoreFixture, "query returns values and rethrows what the job threw") {
  CHECK(store->query([](sqlite3*) { return 7; }) == 7);
  CHECK_THROWS_WITH_AS(store->query([](sqlite3* db) { execSql(db, "SELECT * FROM nope"); }),
                       doctest::Contains("no such table"), StoreError);
}

TEST_CASE_FIXTURE(StoreFixture, "postWithReply delivers the result on the loop's thread") {
  uv_loop_t loop;
  REQUIRE(uv_loop_init(&loop) == 0);
  const auto loop_thread = std::this_thread::get_id();
  std::optional<int64_t> count;
  std::thread::id count_thread;
  bool void_committed = false;
  std::optional<int> failed = 123;

  store->postWithReply([](sqlite3* db) { insertUsage(db, 1); }, &loop,
                       [&](bool committed) { void_committed = committed; });
  store->postWithReply(countUsage, &loop, [&](std::optional<int64_t> value) {
    count = value;
    count_thread = std::this_thread::get_id();
  });
  store->postWithReply([](sqlite3*) -> int { throw StoreError("no"); }, &loop,
                       [&](std::optional<int> value) { failed = value; });
  // The loop stays alive exactly until the three replies have arrived.
  uv_run(&loop, UV_RUN_DEFAULT);
  CHECK(void_committed);
  CHECK(count == std::optional<int64_t>(1));
  CHECK(count_thread == loop_thread);
  CHECK_FALSE(failed);

  store->detachLoop(&loop);
  uv_run(&loop, UV_RUN_DEFAULT);
  CHECK(uv_loop_close(&loop) == 0);
}

TEST_CASE_FIXTURE(StoreFixture, "a job with a short busy timeout gives up alone on a held lock") {
  store->flush();
  sqlite3* other = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &other) == SQLITE_OK);
  execSql(other, "BEGIN IMMEDIATE");  // another process holds the write lock
  uv_loop_t loop;
  REQUIRE(uv_loop_init(&loop) == 0);
  using std::chrono::steady_clock;
  const auto start = steady_clock::now();
  std::optional<bool> patient_ok, hasty_ok;
  steady_clock::duration hasty_after{};
  store->postWithReply([](sqlite3* db) { insertUsage(db, 1); }, &loop,
                       [&](bool ok) { patient_ok = ok; });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // that batch waits for the lock
  store->postWithReply([](sqlite3* db) { insertUsage(db, 2); }, &loop,
                       [&](bool ok) {
                         hasty_ok = ok;
                         hasty_after = steady_clock::now() - start;
                       },
                       200);
  while (!hasty_ok) uv_run(&loop, UV_RUN_ONCE);
  CHECK_FALSE(*hasty_ok);
  // It joined the waiting batch and gave up after its own 200 ms, not the store's 5 s.
  CHECK(hasty_after < std::chrono::milliseconds(2000));
  CHECK_FALSE(patient_ok);  // still waiting
  execSql(other, "COMMIT");
  sqlite3_close(other);
  uv_run(&loop, UV_RUN_DEFAULT);
  CHECK(patient_ok == std::optional<bool>(true));
  store->flush();
  auto rows = store->query([](sqlite3* db) { return UsageRepo::loadRange(db, 0, 10); });
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].ts == 1);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].find("store batch of 1 jobs failed") != std::string::npos);
  CHECK(errors[0].find("database is locked") != std::string::npos);
  store->detachLoop(&loop);
  uv_run(&loop, UV_RUN_DEFAULT);
  CHECK(uv_loop_close(&loop) == 0);
}

TEST_CASE("Store::open refuses a newer database and reports the file") {
  test::TempDir dir;
  std::string path = dir.file("state.db");
  std::vector<Migration> one = {{1, "0001_a.sql", "CREATE TABLE a (x);"}};
  std::vector<Migration> two = {one[0], {2, "0002_b.sql", "CREATE TABLE b (x);"}};
  Store::open(optionsFor(path), MigrationRunner(two)).reset();
  std::string before = test::readBytes(path);
  CHECK_THROWS_WITH_AS(Store::open(optionsFor(path), MigrationRunner(one)),
                       doctest::Contains("is at schema version 2 but this relay knows versions "
                                         "up to 1; refusing to modify it"),
                       StoreError);
  CHECK(test::readBytes(path) == before);
}

}  // namespace relay::store
