// Usage is added up in memory per worker and written in batches: the ledger's buckets, the
// writer's upserts and retention purge, and a worker's hand-over through the store (on its
// flush timer and when it stops).
#include <doctest/doctest.h>
#include <uv.h>

#include <algorithm>
#include <vector>

#include "core/store/database_open.h"
#include "core/store/migration_runner.h"
#include "core/store/sqlite_statement.h"
#include "core/store/store.h"
#include "core/store/usage_ledger.h"
#include "core/store/usage_sink.h"
#include "core/store/usage_writer.h"
#include "temp_dir.h"

namespace relay::store {
namespace {

constexpr int64_t kHour10 = 1'700'002'800'000;  // 2023-11-14 22:00 UTC, an hour start

UsageSample sample(int64_t ts, std::string_view account, int64_t in, int64_t out, int status) {
  UsageSample s;
  s.ts = ts;
  s.key_id = "key-1";
  s.account_id = account;
  s.provider = "prov";
  s.model = "model-a";
  s.input_tokens = in;
  s.output_tokens = out;
  s.status = status;
  s.duration_ms = 5;
  return s;
}

struct SchemaFixture {
  test::TempDir dir;
  OpenedDatabase opened = openDatabase(dir.file("state.db"), MigrationRunner::embedded());
  sqlite3* db = opened.db.get();
};

}  // namespace

TEST_CASE("usageHourOf gives the start of the UTC hour") {
  CHECK(usageHourOf(kHour10) == kHour10);
  CHECK(usageHourOf(kHour10 + 3'599'999) == kHour10);
  CHECK(usageHourOf(kHour10 + 3'600'000) == kHour10 + kUsageHourMs);
  CHECK(usageHourOf(kHour10 - 1) == kHour10 - kUsageHourMs);
}

TEST_CASE("the ledger adds N requests of one key, account, model and hour into one bucket") {
  UsageLedger ledger(false);
  for (int i = 0; i < 100; ++i) ledger.record(sample(kHour10 + i * 1000, "acct", 10, 3, 200));
  ledger.record(sample(kHour10 + 5, "acct", 1, 1, 529));
  CHECK(ledger.bucketCount() == 1);
  UsageBatch batch = ledger.take();
  REQUIRE(batch.buckets.size() == 1);
  const UsageBucket& b = batch.buckets[0];
  CHECK(b.hour == kHour10);
  CHECK(b.key_id == "key-1");
  CHECK(b.account_id == "acct");
  CHECK(b.provider == "prov");
  CHECK(b.model == "model-a");
  CHECK(b.totals.requests == 101);
  CHECK(b.totals.errors == 1);
  CHECK(b.totals.input_tokens == 1001);
  CHECK(b.totals.output_tokens == 301);
  CHECK(b.totals.duration_ms == 505);
  CHECK(batch.records.empty());  // request_log off: no raw rows
  CHECK(ledger.empty());
  CHECK(ledger.take().empty());
}

TEST_CASE("the ledger keeps one bucket per hour and per account; request_log keeps raw rows") {
  UsageLedger ledger(true);
  ledger.record(sample(kHour10 + 10, "a", 1, 1, 200));
  ledger.record(sample(kHour10 + kUsageHourMs + 10, "a", 2, 2, 200));  // the next hour
  ledger.record(sample(kHour10 + 20, "b", 4, 4, 0));                   // not answered
  UsageBatch batch = ledger.take();
  CHECK(batch.buckets.size() == 3);
  REQUIRE(batch.records.size() == 3);
  CHECK(batch.records[0].ts == kHour10 + 10);
  CHECK(batch.records[1].input_tokens == 2);
  CHECK(batch.records[2].account_id == "b");
  CHECK(batch.records[2].status == 0);
  int64_t errors = 0;
  for (const UsageBucket& b : batch.buckets) errors += b.totals.errors;
  CHECK(errors == 1);
}

TEST_CASE("the ledger sums interleaved samples into their own buckets, before and after a take") {
  UsageLedger ledger(false);
  auto with = [](UsageSample s, std::string_view key, std::string_view provider,
                 std::string_view model) {
    s.key_id = key;
    s.provider = provider;
    s.model = model;
    return s;
  };
  for (int round = 0; round < 3; ++round) {
    ledger.record(sample(kHour10 + round, "a", 1, 0, 200));
    ledger.record(sample(kHour10 + round, "a", 1, 0, 200));  // a repeat of the last one
    ledger.record(sample(kHour10 + round, "b", 10, 0, 200));
    ledger.record(sample(kHour10 + kUsageHourMs + round, "a", 100, 0, 200));  // another hour
    ledger.record(with(sample(kHour10, "a", 1000, 0, 200), "key-2", "prov", "model-a"));
    ledger.record(with(sample(kHour10, "a", 10000, 0, 200), "key-1", "prov-2", "model-a"));
    ledger.record(with(sample(kHour10, "a", 100000, 0, 200), "key-1", "prov", "model-b"));
  }
  auto sums = [](const UsageBatch& batch) {
    std::vector<int64_t> out;
    for (const UsageBucket& b : batch.buckets) out.push_back(b.totals.input_tokens);
    std::sort(out.begin(), out.end());
    return out;
  };
  UsageBatch first = ledger.take();
  CHECK(sums(first) == std::vector<int64_t>{6, 30, 300, 3000, 30000, 300000});
  ledger.record(sample(kHour10, "a", 7, 0, 200));  // the bucket the last sample went to is gone
  UsageBatch second = ledger.take();
  REQUIRE(second.buckets.size() == 1);
  CHECK(second.buckets[0].account_id == "a");
  CHECK(second.buckets[0].totals.requests == 1);
  CHECK(second.buckets[0].totals.input_tokens == 7);
}

TEST_CASE_FIXTURE(SchemaFixture, "the writer adds batches into the same hour rows") {
  UsageWriter writer;
  UsageLedger ledger(false);
  for (int i = 0; i < 3; ++i) ledger.record(sample(kHour10 + i, "acct", 10, 1, 200));
  writer.write(db, ledger.take());
  for (int i = 0; i < 2; ++i) ledger.record(sample(kHour10 + 100 + i, "acct", 10, 1, 500));
  ledger.record(sample(kHour10 + kUsageHourMs, "acct", 7, 7, 200));
  writer.write(db, ledger.take());
  auto rows = UsageWriter::loadHourly(db, 0, kHour10 + 10 * kUsageHourMs);
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].hour == kHour10);
  CHECK(rows[0].totals.requests == 5);
  CHECK(rows[0].totals.errors == 2);
  CHECK(rows[0].totals.input_tokens == 50);
  CHECK(rows[1].hour == kHour10 + kUsageHourMs);
  CHECK(rows[1].totals.requests == 1);
  CHECK(rows[1].totals.output_tokens == 7);
  SqliteStatement raw(db, "SELECT count(*) FROM usage_records");
  raw.step();
  CHECK(raw.columnInt(0) == 0);
  writer.close();
}

TEST_CASE_FIXTURE(SchemaFixture, "retention deletes raw rows older than the cut only") {
  UsageWriter writer;
  UsageLedger ledger(true);
  ledger.record(sample(kHour10, "old", 1, 1, 200));
  ledger.record(sample(kHour10 + 2 * kUsageHourMs, "new", 1, 1, 200));
  writer.write(db, ledger.take());
  CHECK(writer.purgeRecordsBefore(db, kHour10 + kUsageHourMs) == 1);
  auto left = UsageRepo::loadRange(db, 0, kHour10 + 10 * kUsageHourMs);
  REQUIRE(left.size() == 1);
  CHECK(left[0].account_id == "new");
  // The hour sums are not raw rows: both hours stay.
  CHECK(UsageWriter::loadHourly(db, 0, kHour10 + 10 * kUsageHourMs).size() == 2);
  writer.close();
}

TEST_CASE("migration 0004 carries the existing raw rows into the hour sums") {
  test::TempDir dir;
  std::string path = dir.file("old.db");
  const MigrationRunner all = MigrationRunner::embedded();
  std::vector<Migration> first_three(all.migrations().begin(), all.migrations().begin() + 3);
  {
    OpenedDatabase old = openDatabase(path, MigrationRunner(first_three));
    UsageRecord r;
    r.ts = kHour10 + 1;
    r.key_id = std::string("k");
    r.account_id = std::string("a");
    r.input_tokens = 5;
    r.status = 200;
    UsageRepo::insert(old.db.get(), r);
    r.ts = kHour10 + 2;
    r.status = 429;
    UsageRepo::insert(old.db.get(), r);
  }
  OpenedDatabase now = openDatabase(path, all);
  auto rows = UsageWriter::loadHourly(now.db.get(), 0, kHour10 + kUsageHourMs);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].hour == kHour10);
  CHECK(rows[0].totals.requests == 2);
  CHECK(rows[0].totals.errors == 1);
  CHECK(rows[0].totals.input_tokens == 10);
}

namespace {

struct WorkerFixture {
  test::TempDir dir;
  std::string path = dir.file("state.db");
  std::unique_ptr<Store> store = Store::open({path, 5000, nullptr});
  uv_loop_t loop{};
  WorkerFixture() { uv_loop_init(&loop); }
  ~WorkerFixture() {
    uv_run(&loop, UV_RUN_DEFAULT);
    uv_loop_close(&loop);
  }
  long long hourlyRequests() {
    return test::scalarFromFile(path, "SELECT coalesce(sum(requests), 0) FROM usage_hourly");
  }
  long long rawRows() { return test::scalarFromFile(path, "SELECT count(*) FROM usage_records"); }
};

}  // namespace

TEST_CASE_FIXTURE(WorkerFixture, "a stopping worker hands everything over; nothing per request") {
  UsageSink sink(*store, UsageOptions{false, 30, 60'000});
  WorkerUsage usage(&loop, &sink);
  usage.start();
  for (int i = 0; i < 50; ++i) usage.record(sample(kHour10 + i, "acct", 2, 1, 200));
  store->flush();
  CHECK(hourlyRequests() == 0);  // still in memory: no store job per request
  CHECK(store->stats().jobs_run == 0);
  usage.stop();
  store->flush();
  CHECK(hourlyRequests() == 50);
  CHECK(rawRows() == 0);
  CHECK(store->stats().jobs_run == 1);  // one batch for the fifty
  sink.close();
}

TEST_CASE_FIXTURE(WorkerFixture,
                  "the flush timer hands usage over while serving; request_log rows") {
  UsageSink sink(*store, UsageOptions{true, 30, 20});
  WorkerUsage usage(&loop, &sink);
  usage.start();
  for (int i = 0; i < 7; ++i) usage.record(sample(kHour10 + i, "acct", 2, 1, 200));
  uv_timer_t stop_after{};
  uv_timer_init(&loop, &stop_after);
  stop_after.data = &usage;
  uv_timer_start(
      &stop_after,
      [](uv_timer_t* t) {
        uv_close(reinterpret_cast<uv_handle_t*>(t), nullptr);
        static_cast<WorkerUsage*>(t->data)->stop();
      },
      200, 0);
  // Stop the timer-driven flush first, then check: the 7 were handed over by the timer.
  uv_run(&loop, UV_RUN_ONCE);  // runs at least the first flush tick (20 ms)
  store->flush();
  CHECK(hourlyRequests() == 7);
  CHECK(rawRows() == 7);
  uv_run(&loop, UV_RUN_DEFAULT);
  sink.close();
}

TEST_CASE_FIXTURE(WorkerFixture, "the sink's purge drops raw rows past usage.retention_days") {
  UsageSink sink(*store, UsageOptions{true, 1, 60'000});
  WorkerUsage usage(&loop, &sink);
  int64_t now = kHour10 + 100 * kUsageHourMs;
  usage.record(sample(now - 25 * kUsageHourMs, "old", 1, 1, 200));
  usage.record(sample(now - 23 * kUsageHourMs, "recent", 1, 1, 200));
  usage.flush();
  sink.purgeExpired(now);
  store->flush();
  CHECK(rawRows() == 1);
  CHECK(hourlyRequests() == 2);
  usage.stop();
  sink.close();
}

}  // namespace relay::store
