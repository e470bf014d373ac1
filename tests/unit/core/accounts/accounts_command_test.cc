#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include "core/accounts/account_pool.h"
#include "core/accounts/account_table.h"
#include "core/accounts/accounts_command.h"
#include "core/store/sqlite_statement.h"
#include "pool_test_support.h"

namespace relay {
namespace {

using test::account;

constexpr int64_t kFuture = 4'102'444'800'000;  // 2100-01-01T00:00:00Z

// The line of the table that starts with `id`.
std::string lineFor(const std::string& table, const std::string& id) {
  std::istringstream in(table);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(id + " ", 0) == 0) return line;
  }
  return "";
}

Config smallConfig(const std::string& database_path) {
  Config config;
  config.server.database_path = database_path;
  config.accounts = {account("claude-main", "claude-oauth", 90), account("claude-spare"),
                     account("claude-cool"), account("gem", "gemini", 10),
                     account("parked", "claude-api", 50, false)};
  config.accounts[4].json = R"({"api_key":"sk-ant-api03-very-secret"})";
  return config;
}

TEST_CASE("isoTimeUtc prints UTC seconds, '-' for none") {
  CHECK(isoTimeUtc(kFuture) == "2100-01-01T00:00:00Z");
  CHECK(isoTimeUtc(1'700'000'000'999) == "2023-11-14T22:13:20Z");
  CHECK(isoTimeUtc(0) == "-");
}

TEST_CASE("the accounts command prints the persisted state of each account, no secrets") {
  test::TempDir dir;
  Config config = smallConfig(dir.file("relay.db"));
  {
    auto store = test::openStore(config.server.database_path);
    AccountPool pool(config.accounts, test::providerOf, store.get());
    pool.loadState(0);
    // The token expiry is what the plugin host stored (2100-01-01T01:00:00Z).
    store->query([](sqlite3* db) {
      store::SqliteStatement(db,
                             "INSERT INTO credentials (account_id, expires_at, updated_at) "
                             "VALUES ('claude-main', 4102448400000, 1)")
          .run();
      return 0;
    });
    pool.disable(*pool.find("claude-spare"), "organization has been disabled");
    // The schema keeps no cooldown reason; the last error explains it after a restart.
    pool.recordError(*pool.find("claude-cool"), "529 overloaded");
    pool.cooldown(*pool.find("claude-cool"), kFuture, "overloaded");
    pool.limitFamily(*pool.find("claude-main"), "opus", kFuture);
    pool.recordError(*pool.find("claude-main"),
                     "429 weekly opus limit; Authorization: Bearer sk-ant-oat01-topsecret123");
  }
  std::ostringstream out, err;
  CHECK(runAccountsCommand(config, out, err) == 0);
  std::string table = out.str();
  INFO("table:\n", table, "\nerrors:\n", err.str());
  CHECK(err.str().empty());
  CHECK(table.rfind("ID ", 0) == 0);
  CHECK(table.find("LAST-ERROR") != std::string::npos);

  std::string main = lineFor(table, "claude-main");
  CHECK(main.find(" claude-oauth ") != std::string::npos);
  CHECK(main.find(" 90 ") != std::string::npos);
  CHECK(main.find(" limited ") != std::string::npos);
  CHECK(main.find("opus=2100-01-01T00:00:00Z") != std::string::npos);
  CHECK(main.find("2100-01-01T01:00:00Z") != std::string::npos);  // token expiry
  CHECK(main.find("429 weekly opus limit") != std::string::npos);

  std::string spare = lineFor(table, "claude-spare");
  CHECK(spare.find(" disabled ") != std::string::npos);
  CHECK(spare.find("organization has been disabled") != std::string::npos);

  std::string cool = lineFor(table, "claude-cool");
  CHECK(cool.find(" cooldown ") != std::string::npos);
  CHECK(cool.find(" 2100-01-01T00:00:00Z ") != std::string::npos);  // until
  CHECK(cool.find(" 529 overloaded ") != std::string::npos);        // the reason column

  CHECK(lineFor(table, "gem").find(" active ") != std::string::npos);
  CHECK(lineFor(table, "parked").find(" unconfigured-disabled ") != std::string::npos);

  CHECK(table.find("topsecret") == std::string::npos);
  CHECK(table.find("sk-ant-api03") == std::string::npos);
  CHECK(table.find("sk-ant-ort01") == std::string::npos);
}

TEST_CASE("a token whose expiry is not known shows as unknown; an account without tokens as -") {
  test::TempDir dir;
  Config config;
  config.server.database_path = dir.file("relay.db");
  config.accounts = {account("stored", "claude-oauth", 50), account("setup", "claude-oauth", 50),
                     account("keyed", "claude-api", 50)};
  config.accounts[1].node = YAML::Load("{access_token: sk-ant-oat01-setup-token}");
  {
    auto store = test::openStore(config.server.database_path);
    store->query([](sqlite3* db) {
      store::SqliteStatement(db,
                             "INSERT INTO credentials (account_id, expires_at, updated_at) "
                             "VALUES ('stored', NULL, 1)")
          .run();
      return 0;
    });
  }
  std::ostringstream out, err;
  CHECK(runAccountsCommand(config, out, err) == 0);
  std::string table = out.str();
  INFO("table:\n", table);
  CHECK(lineFor(table, "stored").find(" unknown ") != std::string::npos);
  CHECK(lineFor(table, "setup").find(" unknown ") != std::string::npos);
  CHECK(lineFor(table, "keyed").find(" unknown ") == std::string::npos);
  CHECK(table.find("sk-ant-oat01") == std::string::npos);
}

TEST_CASE("without a database the command shows the configuration and creates nothing") {
  test::TempDir dir;
  Config config = smallConfig(dir.file("sub/relay.db"));
  std::ostringstream out, err;
  CHECK(runAccountsCommand(config, out, err) == 0);
  CHECK(out.str().find("no state database") != std::string::npos);
  CHECK(lineFor(out.str(), "claude-main").find(" active ") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dir.file("sub")));
}

TEST_CASE("an unreadable database is reported with its path, exit status 1") {
  test::TempDir dir;
  std::string path = dir.file("relay.db");
  { std::ofstream(path) << "this is not an SQLite database, just text long enough to matter"; }
  std::ostringstream out, err;
  CHECK(runAccountsCommand(smallConfig(path), out, err) == 1);
  CHECK(err.str().find(path) != std::string::npos);
}

}  // namespace
}  // namespace relay
