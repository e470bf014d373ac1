#include <doctest/doctest.h>

#include "core/store/account_state_repo.h"
#include "core/store/api_key_repo.h"
#include "core/store/credential_repo.h"
#include "core/store/database_open.h"
#include "core/store/family_limit_repo.h"
#include "core/store/sqlite_statement.h"
#include "core/store/sticky_session_repo.h"
#include "core/store/usage_repo.h"
#include "temp_dir.h"

namespace relay::store {
namespace {

// Every repository runs against the real embedded schema.
struct SchemaFixture {
  test::TempDir dir;
  OpenedDatabase opened = openDatabase(dir.file("state.db"), MigrationRunner::embedded());
  sqlite3* db = opened.db.get();
};

SecretBox::Key keyOf(uint8_t fill) {
  SecretBox::Key key;
  key.fill(fill);
  return key;
}

}  // namespace

TEST_CASE_FIXTURE(SchemaFixture, "AccountStateRepo saves, replaces, loads and removes") {
  AccountStateRow cooling{"claude-1",
                          "cooldown",
                          1'700'000'060'000,
                          std::nullopt,
                          "429 rate_limit_error",
                          1'700'000'000'000,
                          3,
                          "near weekly limit",
                          1'700'000'000'500,
                          2,
                          1,
                          "rate_limited"};
  AccountStateRow healthy;
  healthy.account_id = "gemini-1";
  healthy.updated_at = 5;
  AccountStateRepo::save(db, healthy);
  AccountStateRepo::save(db, cooling);
  CHECK(AccountStateRepo::loadAll(db) == std::vector<AccountStateRow>{cooling, healthy});

  healthy.state = "disabled";
  healthy.disabled_reason = "invalid_grant";
  AccountStateRepo::save(db, healthy);
  CHECK(AccountStateRepo::loadAll(db)[1] == healthy);

  AccountStateRepo::remove(db, "claude-1");
  CHECK(AccountStateRepo::loadAll(db) == std::vector<AccountStateRow>{healthy});
}

TEST_CASE_FIXTURE(SchemaFixture, "FamilyLimitRepo loads only active limits and purges expired") {
  FamilyLimitRepo::save(db, {"claude-1", "opus", 2000});
  FamilyLimitRepo::save(db, {"claude-1", "sonnet", 500});
  FamilyLimitRepo::save(db, {"claude-2", "opus", 3000});
  FamilyLimitRepo::save(db, {"claude-2", "opus", 4000});  // replaces
  CHECK(FamilyLimitRepo::loadActive(db, 1000) ==
        std::vector<FamilyLimitRow>{{"claude-1", "opus", 2000}, {"claude-2", "opus", 4000}});
  CHECK(FamilyLimitRepo::purgeExpired(db, 1000) == 1);
  CHECK(FamilyLimitRepo::loadActive(db, 0).size() == 2);
  FamilyLimitRepo::remove(db, "claude-1", "opus");
  CHECK(FamilyLimitRepo::loadActive(db, 0) ==
        std::vector<FamilyLimitRow>{{"claude-2", "opus", 4000}});
}

TEST_CASE_FIXTURE(SchemaFixture, "StickySessionRepo upserts, filters, removes and purges") {
  StickySessionRepo::upsert(db, {"s1", "claude-1", 2000});
  StickySessionRepo::upsert(db, {"s2", "claude-2", 500});
  StickySessionRepo::upsert(db, {"s3", "claude-2", 3000});
  StickySessionRepo::upsert(db, {"s1", "claude-3", 2500});  // rebinding moves and renews
  CHECK(StickySessionRepo::loadUnexpired(db, 1000) ==
        std::vector<StickySessionRow>{{"s1", "claude-3", 2500}, {"s3", "claude-2", 3000}});
  CHECK(StickySessionRepo::purgeExpired(db, 1000) == 1);
  StickySessionRepo::remove(db, "s1");
  CHECK(StickySessionRepo::loadUnexpired(db, 0) ==
        std::vector<StickySessionRow>{{"s3", "claude-2", 3000}});
  StickySessionRepo::removeForAccount(db, "claude-2");
  CHECK(StickySessionRepo::loadUnexpired(db, 0).empty());
}

TEST_CASE_FIXTURE(SchemaFixture, "UsageRepo inserts and loads a time range") {
  UsageRecord first{1000, "key-1", "claude-1", "claude", "claude-sonnet-4-5", 10, 20,
                    3,    4,       200,        1500};
  UsageRecord second{2000, "key-2", "gemini-1", "gemini", "gemini-2.5-pro", 1, 2, 0, 0, 429, 80};
  UsageRepo::insert(db, second);
  UsageRepo::insert(db, first);
  CHECK(UsageRepo::loadRange(db, 0, 5000) == std::vector<UsageRecord>{first, second});
  CHECK(UsageRepo::loadRange(db, 1500, 5000) == std::vector<UsageRecord>{second});
}

TEST_CASE_FIXTURE(SchemaFixture, "ApiKeyRepo round-trips hashed keys") {
  ApiKeyRow key{"k1", "sha256:abcd", "ci", 42};
  ApiKeyRepo::save(db, key);
  CHECK(ApiKeyRepo::loadAll(db) == std::vector<ApiKeyRow>{key});
  ApiKeyRepo::remove(db, "k1");
  CHECK(ApiKeyRepo::loadAll(db).empty());
}

TEST_CASE_FIXTURE(SchemaFixture, "CredentialRepo stores tokens sealed and opens them") {
  CredentialRepo repo{SecretBox(keyOf(1))};
  CredentialRecord record{
      "claude-1", "access-plain-AAA", "refresh-plain-BBB", 9'000, "cfg-hash", 1234, false};
  repo.save(db, record);
  CHECK(repo.load(db, "claude-1") == record);
  CHECK_FALSE(repo.load(db, "nobody"));

  SqliteStatement raw(db, "SELECT access_token_enc, refresh_token_enc FROM credentials");
  REQUIRE(raw.step());
  CHECK(raw.columnBlob(0).find("access-plain-AAA") == std::string::npos);
  CHECK(raw.columnBlob(1).find("refresh-plain-BBB") == std::string::npos);

  CredentialRecord empty{"claude-2", std::nullopt, std::nullopt, std::nullopt, std::nullopt,
                         1,          false};
  repo.save(db, empty);
  CHECK(repo.load(db, "claude-2") == empty);
}

TEST_CASE_FIXTURE(SchemaFixture, "CredentialRepo saveIfKnown leaves another writer's row alone") {
  CredentialRepo repo{SecretBox(keyOf(1))};
  // No row yet: the write goes in.
  CHECK(repo.saveIfKnown(db, {"acct-1", "a1", "r1", 1, std::nullopt, 100, false}, {}));
  // The row is one this process wrote (or loaded): replaced.
  CHECK(repo.saveIfKnown(db, {"acct-1", "a2", "r2", 2, std::nullopt, 200, false}, {100}));
  CHECK(repo.load(db, "acct-1")->refresh_token == "r2");
  // An older write of this process that failed (stamp 150 never reached the disk) does not
  // matter: the row's stamp is still among the known ones.
  CHECK(repo.saveIfKnown(db, {"acct-1", "a3", "r3", 3, std::nullopt, 300, false}, {100, 150, 200}));
  CHECK(repo.load(db, "acct-1")->refresh_token == "r3");

  // Another process (a login) wrote the row: a write from the stale lineage is dropped.
  CredentialRecord login{"acct-1", "a-login", "r-login", 9, std::nullopt, 350, false};
  repo.save(db, login);
  CHECK_FALSE(
      repo.saveIfKnown(db, {"acct-1", "a4", "r4", 4, std::nullopt, 400, false}, {100, 200, 300}));
  CHECK(repo.load(db, "acct-1") == login);
  // Once this process has loaded the login's row, its writes go in again.
  CHECK(repo.saveIfKnown(db, {"acct-1", "a5", "r5", 5, std::nullopt, 500, false}, {300, 350}));
  CHECK(repo.load(db, "acct-1")->refresh_token == "r5");
}

TEST_CASE_FIXTURE(SchemaFixture, "CredentialRepo flags tokens it cannot open") {
  CredentialRepo repo{SecretBox(keyOf(1))};
  repo.save(db, {"claude-1", "a1", "r1", 1, std::nullopt, 1, false});
  repo.save(db, {"claude-2", "a2", "r2", 1, std::nullopt, 1, false});

  auto other_key = CredentialRepo{SecretBox(keyOf(2))}.load(db, "claude-1");
  REQUIRE(other_key);
  CHECK(other_key->undecryptable);
  CHECK_FALSE(other_key->access_token);
  CHECK_FALSE(other_key->refresh_token);

  // A sealed value moved to another account's row does not open there.
  execSql(db,
          "UPDATE credentials SET refresh_token_enc = (SELECT refresh_token_enc FROM credentials "
          "WHERE account_id = 'claude-1') WHERE account_id = 'claude-2'");
  auto swapped = repo.load(db, "claude-2");
  REQUIRE(swapped);
  CHECK(swapped->undecryptable);
  CHECK(repo.load(db, "claude-1")->refresh_token == std::optional<std::string>("r1"));
}

}  // namespace relay::store
