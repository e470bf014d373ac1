// CredentialCommit: the durable-rotation confirmation against a real store whose database
// another connection keeps locked, then releases.
#include "core/provider/credential_commit.h"

#include <doctest/doctest.h>
#include <sqlite3.h>
#include <uv.h>

#include <chrono>
#include <optional>
#include <vector>

#include "../store/temp_dir.h"
#include "core/store/sqlite_statement.h"

namespace relay {
namespace {

struct CommitFixture {
  store::test::TempDir dir;
  std::string path = dir.file("state.db");
  uv_loop_t loop{};
  uv_timer_t keepalive{};  // the relay's control loop always has live handles (signals)
  std::unique_ptr<store::Store> store;
  sqlite3* locker = nullptr;
  uint64_t generation = 0;          // what the account has stored so far
  std::vector<uint64_t> committed;  // generations confirmed on disk
  int writes = 0;                   // store jobs that ran

  CommitFixture() {
    uv_loop_init(&loop);
    uv_timer_init(&loop, &keepalive);
    uv_timer_start(
        &keepalive, [](uv_timer_t*) {}, 10, 10);
    store = store::Store::open({path, 50, nullptr});  // a 50 ms busy timeout keeps this fast
  }
  ~CommitFixture() {
    unlock();
    store->detachLoop(&loop);
    store.reset();
    uv_close(reinterpret_cast<uv_handle_t*>(&keepalive), nullptr);
    uv_run(&loop, UV_RUN_DEFAULT);
    uv_loop_close(&loop);
  }
  void lock() {
    REQUIRE(sqlite3_open(path.c_str(), &locker) == SQLITE_OK);
    store::execSql(locker, "BEGIN EXCLUSIVE");
  }
  void unlock() {
    if (!locker) return;
    store::execSql(locker, "COMMIT");
    sqlite3_close(locker);
    locker = nullptr;
  }
  CredentialCommit::Hooks hooks() {
    return {[this]() -> CredentialCommit::Pending {
              if (committed.size() && committed.back() == generation) return {};
              return {[this](sqlite3* db) {
                        ++writes;
                        store::execSql(db, "CREATE TABLE IF NOT EXISTS t (x INTEGER)");
                      },
                      generation};
            },
            [this](uint64_t g) { committed.push_back(g); }};
  }
  // Runs the loop until pred holds (or 10 s pass).
  template <typename Pred>
  bool runUntil(Pred pred) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!pred() && std::chrono::steady_clock::now() < deadline) uv_run(&loop, UV_RUN_NOWAIT);
    return pred();
  }
};

TEST_CASE_FIXTURE(CommitFixture, "a healthy store confirms at once") {
  CredentialCommit commit("acct", &loop, store.get(), hooks());
  generation = 3;
  std::optional<bool> outcome;
  commit.confirm([&](bool ok) { outcome = ok; });
  REQUIRE(runUntil([&] { return outcome.has_value(); }));
  CHECK(*outcome);
  CHECK(committed == std::vector<uint64_t>{3});
  CHECK(commit.failures() == 0);
  commit.close();
}

TEST_CASE_FIXTURE(CommitFixture,
                  "a locked store: retried, reported as failed, then written in the background") {
  CredentialCommit commit("acct", &loop, store.get(), hooks());
  lock();
  generation = 1;
  std::optional<bool> outcome;
  commit.confirm([&](bool ok) { outcome = ok; });
  REQUIRE(runUntil([&] { return outcome.has_value(); }));
  CHECK_FALSE(*outcome);
  CHECK(commit.failures() == 1);
  CHECK(committed.empty());
  CHECK(writes == 0);  // the locked store never got to run the job
  unlock();
  REQUIRE(runUntil([&] { return !committed.empty(); }));
  CHECK(committed.back() == 1);
  CHECK(commit.failures() == 1);
  // A later confirmation with nothing new is a barrier: confirmed at once.
  outcome.reset();
  commit.confirm([&](bool ok) { outcome = ok; });
  REQUIRE(runUntil([&] { return outcome.has_value(); }));
  CHECK(*outcome);
  commit.close();
}

}  // namespace
}  // namespace relay
