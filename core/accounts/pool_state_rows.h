// Account health <-> the store's rows (account_state, model_family_limits, credentials expiry).
// Runs on the store thread; no secrets are read.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/accounts/account_state.h"
#include "core/store/account_state_repo.h"
#include "core/store/family_limit_repo.h"

namespace relay {

// What the pool persisted last time, as read at start-up.
struct PersistedPoolState {
  std::map<std::string, store::AccountStateRow> states;                       // by account id
  std::map<std::string, std::map<std::string, int64_t, std::less<>>> limits;  // id -> family
  std::map<std::string, int64_t> token_expiries;  // id -> Unix ms (0: unknown)
};

// Reads every account_state row, the family limits in force (purging expired ones) and the
// access-token expiry of each stored credential (the expiry column only).
PersistedPoolState readPersistedPoolState(sqlite3* db, int64_t now_ms);

store::AccountStateRow toStateRow(const std::string& account_id, const AccountHealth& health,
                                  int64_t now_ms);
// Restores the persisted facts; the config's `enabled` and the in-memory times stay.
void applyStateRow(const store::AccountStateRow& row, AccountHealth& health);

}  // namespace relay
