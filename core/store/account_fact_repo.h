// account_facts: a provider plugin's small per-account facts other than its tokens (what
// host->store_put keeps, e.g. a discovered project id), sealed with SecretBox; the context binds
// each value to its account and key.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <map>
#include <string>

#include "core/store/secret_box.h"

namespace relay::store {

class AccountFactRepo {
 public:
  explicit AccountFactRepo(const SecretBox& box) : box_(box) {}

  // Every fact of the account that opens under this key (others are skipped).
  std::map<std::string, std::string> load(sqlite3* db, const std::string& account_id) const;
  // True when at least one of the account's facts does not open under this key.
  bool anyUnreadable(sqlite3* db, const std::string& account_id) const;
  // Insert or replace. Throws StoreError.
  void save(sqlite3* db, const std::string& account_id, const std::string& key,
            const std::string& value, int64_t now_ms) const;

  static std::string contextFor(const std::string& account_id, const std::string& key) {
    return "relay.account_facts:" + account_id + ":" + key;
  }

 private:
  SecretBox box_;  // a copy, so a repo captured by a store job outlives its creator's box
};

}  // namespace relay::store
