// credentials: the current access token and rotated refresh token per account, sealed with
// SecretBox; the context binds each value to its account and column.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/store/secret_box.h"

namespace relay::store {

// How long a credential write waits while another process holds the database's write lock (the
// store's default is 5 s): a request waiting for a refresh's commit hears the outcome quickly,
// and CredentialCommit goes on retrying in the background.
inline constexpr int kCredentialBusyTimeoutMs = 500;

struct CredentialRecord {
  std::string account_id;
  std::optional<std::string> access_token;       // plaintext in memory, sealed on disk
  std::optional<std::string> refresh_token;      // the latest rotated one
  std::optional<int64_t> expires_at;             // access token expiry, Unix ms
  std::optional<std::string> config_token_hash;  // fingerprint of the config's refresh token
  int64_t updated_at = 0;
  // Set by load() when a stored token could not be opened (another key, or tampered);
  // the tokens are then nullopt and the account should fall back to its config.
  bool undecryptable = false;

  bool operator==(const CredentialRecord&) const = default;
};

class CredentialRepo {
 public:
  explicit CredentialRepo(const SecretBox& box) : box_(box) {}

  std::optional<CredentialRecord> load(sqlite3* db, const std::string& account_id) const;
  // Insert or replace. Throws StoreError.
  void save(sqlite3* db, const CredentialRecord& record) const;
  // Saves only if the account has no row or its row's updated_at is one of known_stamps (the
  // rows this process loaded or wrote); another writer's row (a login) is left alone and false
  // returned. Run inside a transaction, so the check and the write are one step. Throws
  // StoreError.
  bool saveIfKnown(sqlite3* db, const CredentialRecord& record,
                   const std::vector<int64_t>& known_stamps) const;
  void remove(sqlite3* db, const std::string& account_id) const;

  static std::string contextFor(const std::string& account_id, const char* column) {
    return "relay.credentials:" + account_id + ":" + column;
  }

 private:
  SecretBox box_;  // a copy, so a repo captured by a store job outlives its creator's box
};

}  // namespace relay::store
