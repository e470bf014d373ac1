#include "filters/auth/relay_keys.h"

#include <nettle/sha2.h>
#include <openssl/crypto.h>

namespace relay {

namespace {

std::string keyIdOf(std::string_view key) {
  // Nettle rather than OpenSSL: OpenSSL 3's digest fetch sets up its providers (about 2 MB
  // resident) in a relay that otherwise needs none of it until its first TLS connection.
  sha256_ctx ctx;
  sha256_init(&ctx);
  sha256_update(&ctx, key.size(), reinterpret_cast<const uint8_t*>(key.data()));
  uint8_t d[SHA256_DIGEST_SIZE];
  sha256_digest(&ctx, sizeof d, d);
  static const char* hex = "0123456789abcdef";
  std::string id = "key-";
  for (int i = 0; i < 4; ++i) {
    id += hex[d[i] >> 4];
    id += hex[d[i] & 15];
  }
  return id;
}

}  // namespace

bool keyEqualsConstantTime(std::string_view presented, std::string_view key) {
  bool same_length = presented.size() == key.size();
  const char* compared = same_length ? presented.data() : key.data();
  int differ = CRYPTO_memcmp(compared, key.data(), key.size());
  return same_length && differ == 0;
}

RelayKeys::RelayKeys(const std::vector<std::string>& keys) : keys_(keys) {
  ids_.reserve(keys_.size());
  for (const std::string& k : keys_) ids_.push_back(keyIdOf(k));
}

const std::string* RelayKeys::match(std::string_view presented) const {
  // No early exit: every key is compared, so the time says nothing about which one matched.
  const std::string* found = nullptr;
  for (size_t i = 0; i < keys_.size(); ++i)
    if (keyEqualsConstantTime(presented, keys_[i])) found = &ids_[i];
  return found;
}

}  // namespace relay
