#include "core/store/stored_secrets.h"

#include <sys/stat.h>

#include "core/store/account_fact_repo.h"
#include "core/store/credential_repo.h"
#include "core/store/sqlite_statement.h"

namespace relay::store {

namespace {

std::string joined(const std::vector<std::string>& ids) {
  std::string out;
  for (const std::string& id : ids) out += (out.empty() ? "" : ", ") + id;
  return out;
}

}  // namespace

std::vector<std::string> accountsWithSealedSecrets(sqlite3* db) {
  // account_facts (migration 0003) holds sealed values too, e.g. a discovered project id.
  SqliteStatement stmt(db,
                       "SELECT account_id FROM credentials WHERE access_token_enc IS NOT NULL "
                       "OR refresh_token_enc IS NOT NULL UNION SELECT account_id FROM "
                       "account_facts ORDER BY account_id");
  std::vector<std::string> ids;
  while (stmt.step()) ids.push_back(stmt.columnText(0));
  return ids;
}

std::vector<std::string> accountsUnreadableWith(sqlite3* db, const SecretBox& box) {
  CredentialRepo repo(box);
  AccountFactRepo facts(box);
  std::vector<std::string> unreadable;
  for (const std::string& id : accountsWithSealedSecrets(db)) {
    std::optional<CredentialRecord> record = repo.load(db, id);
    if ((record && record->undecryptable) || facts.anyUnreadable(db, id)) unreadable.push_back(id);
  }
  return unreadable;
}

std::vector<std::string> dropStoredSecrets(sqlite3* db) {
  std::vector<std::string> ids;
  SqliteStatement list(db,
                       "SELECT account_id FROM credentials UNION SELECT account_id FROM "
                       "account_facts ORDER BY account_id");
  while (list.step()) ids.push_back(list.columnText(0));
  SqliteStatement(db, "DELETE FROM credentials").run();
  SqliteStatement(db, "DELETE FROM account_facts").run();
  return ids;
}

std::string checkSecretsKey(const std::optional<std::string>& env_value, const std::string& db_path,
                            const std::vector<std::string>& sealed_accounts,
                            const std::vector<std::string>& unreadable_accounts) {
  if (sealed_accounts.empty()) return {};
  const std::string count = std::to_string(sealed_accounts.size());
  const std::string remedy =
      "; or start once with --reset-secrets to drop the stored credentials and use the "
      "configuration's tokens again";
  const bool from_env = env_value && !env_value->empty();
  const std::string key_file = SecretBox::keyFilePathFor(db_path);
  struct stat info {};
  if (!from_env && ::stat(key_file.c_str(), &info) != 0) {
    return "the encryption key file " + key_file + " is missing, but " + db_path + " holds " +
           count + " encrypted credential(s) (accounts: " + joined(sealed_accounts) +
           "); restore the key file or set RELAY_ENCRYPTION_KEY to the key they were sealed with" +
           remedy;
  }
  if (unreadable_accounts.empty()) return {};
  return std::string("the encryption key (") +
         (from_env ? "RELAY_ENCRYPTION_KEY" : "key file " + key_file) +
         ") does not open the encrypted credentials of " +
         std::to_string(unreadable_accounts.size()) + " of " + count + " account(s) in " + db_path +
         " (" + joined(unreadable_accounts) +
         "); it changed since they were stored: use the original key" + remedy;
}

}  // namespace relay::store
