#include <doctest/doctest.h>

#include "core/accounts/account_pool.h"
#include "core/store/sqlite_statement.h"
#include "pool_test_support.h"

namespace relay {
namespace {

using test::account;
using test::providerOf;

constexpr int64_t kNow = 1'700'000'000'000;

int64_t fixedClock() {
  return kNow;
}

// Runs one pool "process" against the database at `path`: opens the store, builds and loads
// the pool, lets `body` act on it, then closes everything (committing what was posted).
template <typename Body>
void withPool(const std::string& path, const std::vector<AccountConfig>& accounts, Body body) {
  auto store = test::openStore(path);
  AccountPool pool(accounts, providerOf, store.get(), fixedClock);
  pool.setModelFamilies(test::familyOf);
  pool.loadState(kNow);
  body(pool);
}

TEST_CASE("cooldowns, disables, family limits, errors and warnings survive a reopen") {
  test::TempDir dir;
  std::string path = dir.file("relay.db");
  std::vector<AccountConfig> accounts{account("cool"), account("off"), account("lim"),
                                      account("err")};
  withPool(path, accounts, [](AccountPool& pool) {
    pool.cooldown(*pool.find("cool"), kNow + 60'000, "529 overloaded");
    pool.disable(*pool.find("off"), "organization has been disabled");
    pool.limitFamily(*pool.find("lim"), "opus", kNow + 3'600'000);
    pool.limitFamily(*pool.find("lim"), "sonnet", kNow - 1);  // already over
    pool.recordError(*pool.find("err"), "500 internal");
    pool.markSuccess(*pool.find("err"), "allowed_warning");
    pool.recordError(*pool.find("err"), "502 bad gateway");
  });
  withPool(path, accounts, [](AccountPool& pool) {
    auto cool = pool.find("cool")->snapshot(kNow);
    CHECK(cool.state == AccountState::kCooldown);
    CHECK(cool.health.cooldown_until == kNow + 60'000);
    auto off = pool.find("off")->snapshot(kNow);
    CHECK(off.state == AccountState::kDisabled);
    CHECK(off.health.disabled_reason == "organization has been disabled");
    CHECK(pool.pick({"claude"}, "claude-opus-4", {"err", "cool", "off"}, "", kNow) == nullptr);
    CHECK(pool.pick({"claude"}, "claude-sonnet-4", {"err", "cool", "off"}, "", kNow) ==
          pool.find("lim"));
    // What picks see without the account mutex was restored too.
    CHECK(pool.pick({"claude"}, "claude-sonnet-4", {"err", "lim"}, "cool", kNow) == nullptr);
    CHECK_FALSE(pool.usable(*pool.find("off"), "claude-sonnet-4", kNow + 86'400'000));
    CHECK(pool.usable(*pool.find("cool"), "claude-sonnet-4", kNow + 60'000));
    auto lim = pool.find("lim")->snapshot(kNow);
    CHECK(lim.health.family_until ==
          std::map<std::string, int64_t, std::less<>>{{"opus", kNow + 3'600'000}});
    auto err = pool.find("err")->snapshot(kNow);
    CHECK(err.health.error_count == 1);
    CHECK(err.health.last_error == "502 bad gateway");
    CHECK(err.health.last_error_at == kNow);
    CHECK(err.health.warning == "allowed_warning");
  });
}

TEST_CASE("an account disabled, then switched off and on in the config, is re-enabled") {
  test::TempDir dir;
  std::string path = dir.file("relay.db");
  withPool(path, {account("a")},
           [](AccountPool& pool) { pool.disable(*pool.find("a"), "403 oauth not allowed"); });
  withPool(path, {account("a")}, [](AccountPool& pool) {
    CHECK(pool.find("a")->snapshot(kNow).state == AccountState::kDisabled);
  });
  withPool(path, {account("a", "claude-oauth", 50, false)}, [](AccountPool& pool) {
    CHECK(pool.find("a")->snapshot(kNow).state == AccountState::kUnconfiguredDisabled);
  });
  withPool(path, {account("a")}, [](AccountPool& pool) {
    CHECK(pool.find("a")->snapshot(kNow).state == AccountState::kActive);
  });
  withPool(path, {account("a")}, [](AccountPool& pool) {
    CHECK(pool.find("a")->snapshot(kNow).state == AccountState::kActive);
  });
}

TEST_CASE("an explicit enable is persisted") {
  test::TempDir dir;
  std::string path = dir.file("relay.db");
  withPool(path, {account("a")}, [](AccountPool& pool) {
    pool.disable(*pool.find("a"), "billing");
    pool.enable("a");
  });
  withPool(path, {account("a")}, [](AccountPool& pool) {
    CHECK(pool.find("a")->snapshot(kNow).state == AccountState::kActive);
  });
}

TEST_CASE("the stored access-token expiry is restored") {
  test::TempDir dir;
  std::string path = dir.file("relay.db");
  AccountConfig config = account("a");
  {
    auto store = test::openStore(path);
    store->query([](sqlite3* db) {
      store::SqliteStatement(db,
                             "INSERT INTO credentials (account_id, expires_at, updated_at) "
                             "VALUES ('a', 1700000999000, 1)")
          .run();
      return 0;
    });
  }
  withPool(path, {config}, [](AccountPool& pool) {
    CHECK(pool.find("a")->snapshot(kNow).health.token_expires_at == 1'700'000'999'000);
  });
}

TEST_CASE("a success with nothing to clear posts nothing to the store") {
  test::TempDir dir;
  auto store = test::openStore(dir.file("relay.db"));
  AccountPool pool({account("a")}, providerOf, store.get(), fixedClock);
  pool.loadState(kNow);
  store->flush();
  uint64_t before = store->stats().jobs_run;
  for (int i = 0; i < 100; ++i) pool.markSuccess(*pool.find("a"), "");
  pool.pick({"claude"}, "claude-sonnet-4", {}, "", kNow);
  store->flush();
  CHECK(store->stats().jobs_run == before);
}

}  // namespace
}  // namespace relay
