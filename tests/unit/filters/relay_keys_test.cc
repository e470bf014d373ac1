// The relay keys the auth filter accepts: exact matches only, whatever the length or the byte
// that differs, and the id each key is logged under.
#include "filters/auth/relay_keys.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using relay::keyEqualsConstantTime;
using relay::RelayKeys;

TEST_CASE("a configured key matches and names its id; ids are SHA-256 prefixes") {
  RelayKeys keys({"k1", "sk-relay-second-key"});
  REQUIRE(keys.match("k1") != nullptr);
  CHECK(*keys.match("k1") == "key-6ab9f1eb");
  REQUIRE(keys.match("sk-relay-second-key") != nullptr);
  CHECK(*keys.match("sk-relay-second-key") == "key-0986796d");
  CHECK_FALSE(keys.empty());
  CHECK(RelayKeys({}).empty());
  CHECK(RelayKeys({}).match("k1") == nullptr);
}

TEST_CASE("prefixes, extensions, empty keys and one changed byte anywhere do not match") {
  const std::string key = "sk-relay-0123456789abcdef0123456789abcdef";
  RelayKeys keys({key});
  CHECK(keys.match("") == nullptr);
  for (size_t n = 0; n < key.size(); ++n) CHECK(keys.match(key.substr(0, n)) == nullptr);
  CHECK(keys.match(key + "x") == nullptr);
  CHECK(keys.match(key + key) == nullptr);
  for (size_t i = 0; i < key.size(); ++i) {
    std::string changed = key;
    changed[i] = static_cast<char>(changed[i] ^ 0x01);
    CHECK_MESSAGE(keys.match(changed) == nullptr, "byte ", i);
  }
  // A key with a NUL inside is compared in full, not as a C string.
  std::string with_nul("ab\0cd", 5);
  RelayKeys nul_keys({with_nul});
  CHECK(nul_keys.match(std::string("ab\0cd", 5)) != nullptr);
  CHECK(nul_keys.match(std::string("ab\0ce", 5)) == nullptr);
  CHECK(nul_keys.match("ab") == nullptr);
}

TEST_CASE("of keys that share a prefix, each matches only itself") {
  RelayKeys keys({"abc", "abcd", "ab"});
  CHECK(*keys.match("abc") != *keys.match("abcd"));
  CHECK(*keys.match("ab") != *keys.match("abc"));
  CHECK(keys.match("a") == nullptr);
  CHECK(keys.match("abcde") == nullptr);
}

TEST_CASE("constant-time equality is plain equality in its answers") {
  CHECK(keyEqualsConstantTime("", ""));
  CHECK(keyEqualsConstantTime("same", "same"));
  CHECK_FALSE(keyEqualsConstantTime("same", "sane"));
  CHECK_FALSE(keyEqualsConstantTime("", "key"));
  CHECK_FALSE(keyEqualsConstantTime("key", ""));
  CHECK_FALSE(keyEqualsConstantTime("keys", "key"));
}
