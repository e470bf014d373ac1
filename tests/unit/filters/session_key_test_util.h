// Helpers for the session-key tests: requests, and digests computed independently of the code
// under test (one-shot SHA256(), not the incremental EVP digest it uses).
#pragma once

#include <openssl/sha.h>

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

#include "core/http/request.h"

namespace relay::test {

inline Request jsonRequest(
    std::string body, std::initializer_list<std::pair<const char*, const char*>> headers = {}) {
  Request req;
  req.method = "POST";
  req.target = "/v1/messages";
  req.headers.add("content-type", "application/json");
  for (const auto& [name, value] : headers) req.headers.add(name, value);
  req.body = std::move(body);
  return req;
}

// First 32 hex digits of SHA-256 of `text`.
inline std::string sha32(std::string_view text) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (int i = 0; i < 16; ++i) {
    hex.push_back(kHex[digest[i] >> 4]);
    hex.push_back(kHex[digest[i] & 0x0f]);
  }
  return hex;
}

}  // namespace relay::test
