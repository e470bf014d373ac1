// The encryption key against the tokens already sealed in the database: a missing or changed
// key must stop start-up rather than silently fall back to the configuration's tokens.
#pragma once

#include <sqlite3.h>

#include <optional>
#include <string>
#include <vector>

#include "core/store/secret_box.h"

namespace relay::store {

// Accounts whose credentials row holds at least one sealed token, or that have sealed facts.
std::vector<std::string> accountsWithSealedSecrets(sqlite3* db);
// Of those, the accounts whose sealed tokens or facts `box` cannot open.
std::vector<std::string> accountsUnreadableWith(sqlite3* db, const SecretBox& box);
// Deletes every stored credential and sealed fact; returns the accounts that had one.
std::vector<std::string> dropStoredSecrets(sqlite3* db);

// Decides whether start-up may go on with the key from `env_value` (RELAY_ENCRYPTION_KEY,
// nullopt when unset) or the key file beside `db_path`. Empty when fine; otherwise the message
// to stop with. Must run before the key file is created: a missing file is itself the finding.
// `sealed_accounts` is accountsWithSealedSecrets(); `box` is asked only when the key exists.
std::string checkSecretsKey(const std::optional<std::string>& env_value, const std::string& db_path,
                            const std::vector<std::string>& sealed_accounts,
                            const std::vector<std::string>& unreadable_accounts);

}  // namespace relay::store
