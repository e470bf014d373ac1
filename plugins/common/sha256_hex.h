// SHA-256 as lowercase hex: how the in-tree plugins remember which config token they last saw.
// Header-only (plugins/common); a plugin using it links OpenSSL's libcrypto.
#ifndef RELAY_PLUGINS_COMMON_SHA256_HEX_H
#define RELAY_PLUGINS_COMMON_SHA256_HEX_H

#include <openssl/evp.h>

#include <string>
#include <string_view>

namespace relay::plugin_common {

inline std::string sha256Hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), digest, &len, EVP_sha256(), nullptr) != 1) return {};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(len * 2);
  for (unsigned int i = 0; i < len; ++i) {
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 0x0f]);
  }
  return out;
}

}  // namespace relay::plugin_common

#endif
