#include <doctest/doctest.h>

#include <set>

#include "core/login/pasted_code.h"
#include "core/login/pkce.h"

using relay::parsePastedCode;

TEST_CASE("the PKCE challenge is base64url(SHA-256(verifier)) without padding") {
  // Computed independently (node: crypto.createHash('sha256').update(v).digest('base64url')).
  CHECK(relay::pkceChallengeOf("dBjftJeZ4CVP-mJ92K9qf2NITt6VlMsO87kyy7x7bqc") ==
        "D53w3J079Pqw2t27GaF6wGK-2eBvI-IVwUP0IPH3R28");
  CHECK(relay::base64Url("\xfb\xff") == "-_8");
  CHECK(relay::base64Url("f") == "Zg");
  CHECK(relay::base64Url("foo") == "Zm9v");
}

TEST_CASE("each pair and state is fresh, 43 characters of base64url") {
  std::set<std::string> seen;
  for (int i = 0; i < 8; ++i) {
    relay::PkcePair p = relay::makePkcePair();
    CHECK(p.verifier.size() == 43);
    CHECK(p.challenge == relay::pkceChallengeOf(p.verifier));
    std::string state = relay::makeLoginState();
    CHECK(state.size() == 43);
    CHECK(state.find_first_not_of(
              "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") ==
          std::string::npos);
    seen.insert(p.verifier);
    seen.insert(state);
  }
  CHECK(seen.size() == 16);
}

TEST_CASE("the pasted line: code#state, a bare code, or the redirect URL") {
  auto both = parsePastedCode("  abc123#st-ate \r\n");
  REQUIRE(both);
  CHECK(both->code == "abc123");
  CHECK(both->state == std::optional<std::string>("st-ate"));

  auto bare = parsePastedCode("abc123\n");
  REQUIRE(bare);
  CHECK(bare->code == "abc123");
  CHECK_FALSE(bare->state);

  auto url = parsePastedCode("https://example.test/callback?code=a%2Bb&state=s1");
  REQUIRE(url);
  CHECK(url->code == "a+b");
  CHECK(url->state == std::optional<std::string>("s1"));

  CHECK_FALSE(parsePastedCode(""));
  CHECK_FALSE(parsePastedCode("   \n"));
  CHECK_FALSE(parsePastedCode("#only-a-state"));
}
