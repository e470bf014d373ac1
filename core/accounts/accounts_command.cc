#include "core/accounts/accounts_command.h"

#include <chrono>
#include <filesystem>
#include <iostream>
#include <memory>

#include "core/accounts/account_pool.h"
#include "core/accounts/account_table.h"
#include "core/store/store.h"

namespace relay {
namespace {

int64_t nowMs() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

// No plugins are loaded here; the provider only groups accounts and is not printed.
std::string providerOfType(const std::string& type) {
  return type.substr(0, type.find('-'));
}

}  // namespace

int runAccountsCommand(const Config& config, std::ostream& out, std::ostream& err) {
  const std::string& path = config.server.database_path;
  std::unique_ptr<store::Store> db;
  std::error_code ec;
  if (std::filesystem::exists(path, ec)) {
    try {
      store::StoreOptions options;
      options.path = path;
      options.on_error = [&err](const std::string& message) { err << message << "\n"; };
      db = store::Store::open(options);
    } catch (const store::StoreError& e) {
      err << "relay-server accounts: cannot open the state database " << path << ": " << e.what()
          << "\n";
      return 1;
    }
  }
  int64_t now = nowMs();
  AccountPool pool(config.accounts, providerOfType, db.get());
  try {
    pool.loadState(now);
  } catch (const store::StoreError& e) {
    err << "relay-server accounts: cannot read account state from " << path << ": " << e.what()
        << "\n";
    return 1;
  }
  if (!db) out << "(no state database at " << path << " yet; showing the configuration)\n";
  out << formatAccountTable(pool.snapshot(now));
  return 0;
}

int runAccountsCommand(const Config& config, std::ostream& out) {
  return runAccountsCommand(config, out, std::cerr);
}

}  // namespace relay
