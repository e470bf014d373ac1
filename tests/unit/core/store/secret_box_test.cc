#include "core/store/secret_box.h"

#include <doctest/doctest.h>
#include <sys/stat.h>

#include "core/store/store_error.h"
#include "temp_dir.h"

namespace relay::store {
namespace {

SecretBox::Key keyOf(uint8_t fill) {
  SecretBox::Key key;
  key.fill(fill);
  return key;
}

}  // namespace

TEST_CASE("seal/open round-trips and each seal uses a fresh nonce") {
  SecretBox box(keyOf(7));
  std::string sealed = box.seal("sk-ant-refresh-token", "ctx");
  CHECK(static_cast<uint8_t>(sealed[0]) == SecretBox::kFormatVersion);
  CHECK(sealed.size() == 1 + 12 + 20 + 16);
  CHECK(sealed.find("sk-ant-refresh-token") == std::string::npos);
  CHECK(box.open(sealed, "ctx") == std::optional<std::string>("sk-ant-refresh-token"));
  CHECK(box.seal("sk-ant-refresh-token", "ctx") != sealed);
  CHECK(box.open(box.seal("", "")) == std::optional<std::string>(""));
}

TEST_CASE("open refuses another key, another context, tampering and unknown formats") {
  SecretBox box(keyOf(7));
  std::string sealed = box.seal("secret", "account-a");
  CHECK_FALSE(SecretBox(keyOf(8)).open(sealed, "account-a"));
  CHECK_FALSE(box.open(sealed, "account-b"));
  for (size_t i = 0; i < sealed.size(); ++i) {  // version, nonce, ciphertext and tag bytes
    std::string tampered = sealed;
    tampered[i] = static_cast<char>(tampered[i] ^ 0x01);
    CHECK_FALSE(box.open(tampered, "account-a"));
  }
  CHECK_FALSE(box.open(sealed.substr(0, sealed.size() - 1), "account-a"));
  CHECK_FALSE(box.open("", "account-a"));
}

TEST_CASE("keyFromString takes 64 hex characters as the key and hashes anything else") {
  std::string hex(64, '0');
  hex[63] = 'F';
  SecretBox::Key key = SecretBox::keyFromString(hex);
  CHECK(key[31] == 0x0f);
  CHECK(key[0] == 0);
  // SHA-256("abc") = ba7816bf...
  SecretBox::Key hashed = SecretBox::keyFromString("abc");
  CHECK(hashed[0] == 0xba);
  CHECK(hashed[1] == 0x78);
  CHECK(hashed[31] == 0xad);
  // 64 characters that are not all hex are hashed too.
  std::string almost(64, 'g');
  CHECK(SecretBox::keyFromString(almost) != SecretBox::Key{});
}

TEST_CASE("the key file is created with mode 0600 and reused") {
  test::TempDir dir;
  std::string db = dir.file("state.db");
  std::string sealed = SecretBox::fromKeyOrFile(std::nullopt, db).seal("token");
  std::string key_path = SecretBox::keyFilePathFor(db);
  struct stat info {};
  REQUIRE(::stat(key_path.c_str(), &info) == 0);
  CHECK((info.st_mode & 0777) == 0600);
  CHECK(info.st_size == 32);
  CHECK(SecretBox::fromKeyOrFile(std::nullopt, db).open(sealed) ==
        std::optional<std::string>("token"));
}

TEST_CASE("RELAY_ENCRYPTION_KEY wins over the key file and creates none") {
  test::TempDir dir;
  std::string db = dir.file("state.db");
  SecretBox from_env = SecretBox::fromKeyOrFile(std::string("passphrase"), db);
  CHECK_FALSE(test::fileExists(SecretBox::keyFilePathFor(db)));
  CHECK(SecretBox(SecretBox::keyFromString("passphrase")).open(from_env.seal("x")) ==
        std::optional<std::string>("x"));
}

TEST_CASE("a key file of the wrong size is an error, not a new key") {
  test::TempDir dir;
  std::string db = dir.file("state.db");
  {
    std::ofstream out(SecretBox::keyFilePathFor(db), std::ios::binary);
    out << std::string(40, 'k');
  }
  CHECK_THROWS_WITH_AS(SecretBox::fromKeyOrFile(std::nullopt, db),
                       doctest::Contains("must hold exactly 32 bytes"), StoreError);
}

}  // namespace relay::store
