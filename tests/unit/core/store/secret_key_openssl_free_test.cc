// Its own executable: OpenSSL accepts an allocator hook only before it has allocated anything,
// and the other store tests use OpenSSL (sealing) in the same process.
#include <doctest/doctest.h>
#include <openssl/crypto.h>

#include <cstdlib>

#include "core/store/secret_box.h"
#include "temp_dir.h"

namespace relay::store {
namespace {

int openssl_allocations = 0;

void* countingMalloc(size_t size, const char*, int) {
  ++openssl_allocations;
  return std::malloc(size);
}
void* countingRealloc(void* p, size_t size, const char*, int) {
  ++openssl_allocations;
  return std::realloc(p, size);
}
void plainFree(void* p, const char*, int) {
  std::free(p);
}

}  // namespace

// Creating the key file on a first start must not set OpenSSL up (providers, DRBG: about 2 MB
// resident for the life of the process); a relay whose accounts and keys need no OpenSSL would
// otherwise pay it just for that.
TEST_CASE("creating and reading the key file does not initialise OpenSSL") {
  REQUIRE(CRYPTO_set_mem_functions(countingMalloc, countingRealloc, plainFree) == 1);
  test::TempDir dir;
  std::string path = SecretBox::keyFilePathFor(dir.file("relay.db"));
  SecretBox::Key created = SecretBox::loadOrCreateKeyFile(path);
  SecretBox::Key read = SecretBox::loadOrCreateKeyFile(path);
  CHECK(created == read);
  CHECK(created != SecretBox::Key{});
  CHECK(openssl_allocations == 0);

  // The hook counts: sealing does use OpenSSL.
  SecretBox box(created);
  CHECK(box.open(box.seal("token", "ctx"), "ctx") == std::optional<std::string>("token"));
  CHECK(openssl_allocations > 0);
}

}  // namespace relay::store
