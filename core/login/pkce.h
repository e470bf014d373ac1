// The host's half of an OAuth login: a PKCE S256 pair (RFC 7636) and a fresh state, both from
// OpenSSL's random generator, base64url without padding.
#pragma once

#include <string>
#include <string_view>

namespace relay {

struct PkcePair {
  std::string verifier;   // 43 characters (32 random bytes)
  std::string challenge;  // base64url(SHA-256(verifier))
};

PkcePair makePkcePair();
// 32 random bytes, base64url.
std::string makeLoginState();
// base64url of SHA-256(verifier): what a token endpoint checks the verifier against.
std::string pkceChallengeOf(std::string_view verifier);
std::string base64Url(std::string_view bytes);

}  // namespace relay
