#include "core/store/secret_box.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "core/store/store_error.h"

namespace relay::store {
namespace {

constexpr size_t kNonceSize = 12;
constexpr size_t kTagSize = 16;
constexpr size_t kOverhead = 1 + kNonceSize + kTagSize;

struct CipherCtxFree {
  void operator()(EVP_CIPHER_CTX* ctx) const { EVP_CIPHER_CTX_free(ctx); }
};
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree>;

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

const unsigned char* bytes(std::string_view text) {
  return reinterpret_cast<const unsigned char*>(text.data());
}

std::string errnoText(const std::string& what, const std::string& path) {
  return what + " " + path + ": " + std::strerror(errno);
}

bool readExactly(int fd, uint8_t* out, size_t size) {
  size_t done = 0;
  while (done < size) {
    ssize_t n = ::read(fd, out + done, size - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  uint8_t extra;
  return ::read(fd, &extra, 1) == 0;  // exactly the key, nothing more
}

bool writeAll(int fd, const uint8_t* data, size_t size) {
  size_t done = 0;
  while (done < size) {
    ssize_t n = ::write(fd, data + done, size - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return ::fsync(fd) == 0;
}

// Random bytes from the kernel (the source OpenSSL seeds from). Not RAND_bytes: its first call
// sets up OpenSSL's providers and DRBG, about 2 MB resident, which a relay whose upstreams and
// keys need no OpenSSL would otherwise pay at its first start.
bool kernelRandom(uint8_t* out, size_t size) {
  size_t done = 0;
  while (done < size) {
    ssize_t n = ::getrandom(out + done, size - done, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

SecretBox::Key readKeyFile(const std::string& path) {
  SecretBox::Key key{};
  bool ok = false;
  // Another process may have just created the file and not written it yet: wait up to ~1 s.
  for (int attempt = 0; attempt < 100 && !ok; ++attempt) {
    if (attempt > 0) ::usleep(10 * 1000);
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw StoreError(errnoText("cannot open key file", path));
    struct stat info {};
    bool settled = ::fstat(fd, &info) == 0 && info.st_size >= static_cast<off_t>(key.size());
    ok = settled && readExactly(fd, key.data(), key.size());
    ::close(fd);
    if (settled && !ok) break;  // wrong size for good
  }
  if (!ok) {
    throw StoreError("key file " + path + " must hold exactly 32 bytes; restore it or set " +
                     "RELAY_ENCRYPTION_KEY (stored tokens cannot be decrypted without it)");
  }
  return key;
}

}  // namespace

SecretBox::~SecretBox() {
  OPENSSL_cleanse(key_.data(), key_.size());
}

SecretBox SecretBox::fromEnvironment(const std::string& db_path) {
  const char* value = std::getenv("RELAY_ENCRYPTION_KEY");
  return fromKeyOrFile(value && *value ? std::optional<std::string>(value) : std::nullopt, db_path);
}

SecretBox SecretBox::fromKeyOrFile(const std::optional<std::string>& env_value,
                                   const std::string& db_path) {
  if (env_value && !env_value->empty()) return SecretBox(keyFromString(*env_value));
  return SecretBox(loadOrCreateKeyFile(keyFilePathFor(db_path)));
}

SecretBox::Key SecretBox::keyFromString(std::string_view text) {
  Key key{};
  bool is_hex = text.size() == 2 * kKeySize;
  for (size_t i = 0; is_hex && i < kKeySize; ++i) {
    int hi = hexValue(text[2 * i]), lo = hexValue(text[2 * i + 1]);
    if (hi < 0 || lo < 0)
      is_hex = false;
    else
      key[i] = static_cast<uint8_t>(hi << 4 | lo);
  }
  if (is_hex) return key;
  unsigned int size = 0;
  if (!EVP_Digest(text.data(), text.size(), key.data(), &size, EVP_sha256(), nullptr)) {
    throw StoreError("SHA-256 of RELAY_ENCRYPTION_KEY failed");
  }
  return key;
}

SecretBox::Key SecretBox::loadOrCreateKeyFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0 && errno == EEXIST) return readKeyFile(path);
  if (fd < 0) throw StoreError(errnoText("cannot create key file", path));
  Key key{};
  bool ok = kernelRandom(key.data(), key.size());
  // The umask may have narrowed the mode further, never widened it; make it exactly 0600.
  ok = ok && ::fchmod(fd, 0600) == 0 && writeAll(fd, key.data(), key.size());
  ::close(fd);
  if (!ok) {
    ::unlink(path.c_str());
    throw StoreError(errnoText("cannot write key file", path));
  }
  return key;
}

std::string SecretBox::seal(std::string_view plaintext, std::string_view context) const {
  std::string out(kOverhead + plaintext.size(), '\0');
  auto* head = reinterpret_cast<unsigned char*>(out.data());
  head[0] = kFormatVersion;
  unsigned char* nonce = head + 1;
  unsigned char* body = nonce + kNonceSize;
  unsigned char* tag = body + plaintext.size();
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  bool ok = ctx && kernelRandom(nonce, kNonceSize) &&
            EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key_.data(), nonce) == 1 &&
            (context.empty() || EVP_EncryptUpdate(ctx.get(), nullptr, &len, bytes(context),
                                                  static_cast<int>(context.size())) == 1) &&
            EVP_EncryptUpdate(ctx.get(), body, &len, bytes(plaintext),
                              static_cast<int>(plaintext.size())) == 1 &&
            EVP_EncryptFinal_ex(ctx.get(), body + len, &len) == 1 &&
            EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagSize, tag) == 1;
  if (!ok) throw StoreError("AES-256-GCM encryption failed (OpenSSL)");
  return out;
}

std::optional<std::string> SecretBox::open(std::string_view sealed,
                                           std::string_view context) const {
  if (sealed.size() < kOverhead || static_cast<uint8_t>(sealed[0]) != kFormatVersion) {
    return std::nullopt;
  }
  const unsigned char* nonce = bytes(sealed) + 1;
  const unsigned char* body = nonce + kNonceSize;
  size_t body_size = sealed.size() - kOverhead;
  std::string out(body_size, '\0');
  auto* plain = reinterpret_cast<unsigned char*>(out.data());
  // OpenSSL wants a non-const tag pointer; copy it.
  unsigned char tag[kTagSize];
  std::memcpy(tag, body + body_size, kTagSize);
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  bool ok = ctx &&
            EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key_.data(), nonce) == 1 &&
            (context.empty() || EVP_DecryptUpdate(ctx.get(), nullptr, &len, bytes(context),
                                                  static_cast<int>(context.size())) == 1) &&
            EVP_DecryptUpdate(ctx.get(), plain, &len, body, static_cast<int>(body_size)) == 1 &&
            EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagSize, tag) == 1 &&
            EVP_DecryptFinal_ex(ctx.get(), plain + len, &len) == 1;
  if (!ok) {
    OPENSSL_cleanse(out.data(), out.size());
    return std::nullopt;
  }
  return out;
}

}  // namespace relay::store
