// AES-256-GCM for secrets at rest (tokens in the credentials table).
// Sealed format: [version 0x01][12-byte random nonce][ciphertext][16-byte tag].
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace relay::store {

class SecretBox {
 public:
  static constexpr size_t kKeySize = 32;
  static constexpr uint8_t kFormatVersion = 1;
  using Key = std::array<uint8_t, kKeySize>;

  explicit SecretBox(const Key& key) : key_(key) {}
  ~SecretBox();
  SecretBox(const SecretBox& other) = default;
  SecretBox& operator=(const SecretBox& other) = default;

  // RELAY_ENCRYPTION_KEY if set, else the key file `<db_path>.key` (created 0600 on first use).
  // Throws StoreError.
  static SecretBox fromEnvironment(const std::string& db_path);
  // Same, with the variable's value passed in (nullopt = unset).
  static SecretBox fromKeyOrFile(const std::optional<std::string>& env_value,
                                 const std::string& db_path);
  // 64 hex characters are the key itself; any other string is hashed with SHA-256.
  static Key keyFromString(std::string_view text);
  // Reads a 32-byte key file, or creates one with mode 0600 (O_CREAT|O_EXCL) from random bytes.
  static Key loadOrCreateKeyFile(const std::string& path);
  static std::string keyFilePathFor(const std::string& db_path) { return db_path + ".key"; }

  // `context` is authenticated but not stored (e.g. "credential:<account>:access"), so a sealed
  // value cannot be moved to another row. Throws StoreError on an OpenSSL failure.
  std::string seal(std::string_view plaintext, std::string_view context = {}) const;
  // nullopt when the value was tampered with, sealed under another key or context, or is not
  // in a known format.
  std::optional<std::string> open(std::string_view sealed, std::string_view context = {}) const;

 private:
  Key key_;
};

}  // namespace relay::store
