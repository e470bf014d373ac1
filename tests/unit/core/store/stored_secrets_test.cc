// The start-up check of the encryption key against the tokens already sealed in the database.
#include <doctest/doctest.h>

#include <fstream>

#include "core/store/account_fact_repo.h"
#include "core/store/credential_repo.h"
#include "core/store/database_open.h"
#include "core/store/stored_secrets.h"
#include "temp_dir.h"

namespace relay::store {
namespace {

struct SealedFixture {
  test::TempDir dir;
  std::string db_path = dir.file("state.db");
  OpenedDatabase opened = openDatabase(db_path, MigrationRunner::embedded());
  sqlite3* db = opened.db.get();

  static SecretBox::Key keyOf(uint8_t fill) {
    SecretBox::Key key;
    key.fill(fill);
    return key;
  }
  void seal(const std::string& account, uint8_t key_fill) {
    CredentialRecord r;
    r.account_id = account;
    r.refresh_token = "refresh-" + account;
    CredentialRepo{SecretBox(keyOf(key_fill))}.save(db, r);
  }
  void sealFact(const std::string& account, uint8_t key_fill) {
    AccountFactRepo{SecretBox(keyOf(key_fill))}.save(db, account, "project", "p-" + account, 1);
  }
  void writeKeyFile() {
    std::ofstream(SecretBox::keyFilePathFor(db_path)) << "0123456789abcdef0123456789abcdef";
  }
};

}  // namespace

TEST_CASE_FIXTURE(SealedFixture, "no sealed tokens: any key, even a missing key file, is fine") {
  CredentialRecord empty;
  empty.account_id = "no-tokens";
  CredentialRepo{SecretBox(keyOf(1))}.save(db, empty);
  CHECK(accountsWithSealedSecrets(db).empty());
  CHECK(checkSecretsKey(std::nullopt, db_path, accountsWithSealedSecrets(db), {}).empty());
}

TEST_CASE_FIXTURE(SealedFixture,
                  "a missing key file with sealed tokens is refused, naming the accounts") {
  seal("b-account", 1);
  seal("a-account", 1);
  auto sealed = accountsWithSealedSecrets(db);
  CHECK(sealed == std::vector<std::string>{"a-account", "b-account"});
  std::string why = checkSecretsKey(std::nullopt, db_path, sealed, {});
  CHECK(why.find("state.db.key is missing") != std::string::npos);
  CHECK(why.find("2 encrypted credential(s) (accounts: a-account, b-account)") !=
        std::string::npos);
  CHECK(why.find("--reset-secrets") != std::string::npos);
  // With the variable set, the file does not matter; only whether the key opens the tokens.
  CHECK(checkSecretsKey(std::string("k"), db_path, sealed, {}).empty());
}

TEST_CASE_FIXTURE(SealedFixture, "a key that does not open the sealed tokens is refused") {
  seal("ok", 1);
  seal("other", 2);
  writeKeyFile();
  auto sealed = accountsWithSealedSecrets(db);
  auto unreadable = accountsUnreadableWith(db, SecretBox(keyOf(1)));
  CHECK(unreadable == std::vector<std::string>{"other"});
  std::string why = checkSecretsKey(std::nullopt, db_path, sealed, unreadable);
  CHECK(why.find("does not open the encrypted credentials of 1 of 2 account(s)") !=
        std::string::npos);
  CHECK(why.find("(other)") != std::string::npos);
  CHECK(checkSecretsKey(std::string("secret value"), db_path, sealed, unreadable)
            .find("RELAY_ENCRYPTION_KEY") != std::string::npos);
  CHECK(checkSecretsKey(std::string("secret value"), db_path, sealed, unreadable)
            .find("secret value") == std::string::npos);
  CHECK(accountsUnreadableWith(db, SecretBox(keyOf(2))) == std::vector<std::string>{"ok"});
}

TEST_CASE_FIXTURE(SealedFixture, "dropStoredSecrets removes every credential and lists them") {
  seal("x", 1);
  seal("y", 2);
  CHECK(dropStoredSecrets(db) == std::vector<std::string>{"x", "y"});
  CHECK(accountsWithSealedSecrets(db).empty());
  CHECK(dropStoredSecrets(db).empty());
}

TEST_CASE_FIXTURE(SealedFixture, "sealed account facts count as stored secrets") {
  sealFact("facts-only", 1);
  seal("both", 1);
  sealFact("both", 2);  // its token opens under key 1, its fact does not
  auto sealed = accountsWithSealedSecrets(db);
  CHECK(sealed == std::vector<std::string>{"both", "facts-only"});
  CHECK(checkSecretsKey(std::nullopt, db_path, sealed, {}).find("is missing") != std::string::npos);
  CHECK(accountsUnreadableWith(db, SecretBox(keyOf(1))) == std::vector<std::string>{"both"});
  CHECK(accountsUnreadableWith(db, SecretBox(keyOf(2))) ==
        std::vector<std::string>{"both", "facts-only"});
  CHECK(dropStoredSecrets(db) == std::vector<std::string>{"both", "facts-only"});
  CHECK(accountsWithSealedSecrets(db).empty());
  CHECK(AccountFactRepo{SecretBox(keyOf(1))}.load(db, "facts-only").empty());
}

}  // namespace relay::store
