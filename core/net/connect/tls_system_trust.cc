#include "core/net/connect/tls_system_trust.h"

#include <fcntl.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <vector>

namespace relay {

namespace {

// As OpenSSL reads SSL_CERT_FILE and SSL_CERT_DIR (ignored in a setuid process).
std::string defaultPath(const char* env_name, const char* fallback) {
  const char* value = secure_getenv(env_name);
  return value != nullptr ? value : fallback;
}

// A file's bytes, mapped (the bundle is a few hundred kB: mapping it leaves no freed heap behind
// in the thread that checks it). Empty when it cannot be read.
class MappedFile {
 public:
  explicit MappedFile(const std::string& path) {
    int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return;
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
      void* p = mmap(nullptr, static_cast<size_t>(st.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
      if (p != MAP_FAILED) {
        data_ = static_cast<const char*>(p);
        size_ = static_cast<size_t>(st.st_size);
      }
    }
    close(fd);
  }
  ~MappedFile() {
    if (data_ != nullptr) munmap(const_cast<char*>(data_), size_);
  }
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  std::string_view text() const { return {data_ == nullptr ? "" : data_, size_}; }

 private:
  const char* data_ = nullptr;
  size_t size_ = 0;
};

// Calls `each(body)` with the base64 body (whitespace removed, in `scratch`) of each PEM block
// of `text` until it returns false. False when it did, or when a block is anything but a plain
// CERTIFICATE (a CRL, a TRUSTED CERTIFICATE with trust settings, headers): then only OpenSSL's
// own reader knows what the file adds.
template <class Each>
bool forEachCertificate(std::string_view text, std::string& scratch, Each each) {
  constexpr std::string_view kBegin = "-----BEGIN ";
  constexpr std::string_view kCertBegin = "-----BEGIN CERTIFICATE-----";
  constexpr std::string_view kCertEnd = "-----END CERTIFICATE-----";
  size_t at = 0;
  while ((at = text.find(kBegin, at)) != std::string_view::npos) {
    if (text.substr(at, kCertBegin.size()) != kCertBegin) return false;
    size_t start = at + kCertBegin.size();
    size_t end = text.find(kCertEnd, start);
    if (end == std::string_view::npos) return false;
    scratch.clear();
    for (char ch : text.substr(start, end - start)) {
      if (ch == ':') return false;  // a PEM header line
      if (ch != ' ' && ch != '\t' && ch != '\r' && ch != '\n') scratch += ch;
    }
    if (!each(std::string_view(scratch))) return false;
    at = end + kCertEnd.size();
  }
  return true;
}

// One DER element at `p`: false when it runs past `end`. `content` and `next` point at its
// contents and past it.
bool derElement(const unsigned char* p, const unsigned char* end, unsigned char& tag,
                const unsigned char*& content, const unsigned char*& next) {
  if (end - p < 2) return false;
  tag = p[0];
  size_t len = p[1];
  p += 2;
  if (len & 0x80) {
    size_t bytes = len & 0x7f;
    if (bytes == 0 || bytes > 3 || static_cast<size_t>(end - p) < bytes) return false;
    len = 0;
    for (size_t i = 0; i < bytes; ++i) len = (len << 8) | *p++;
  }
  if (static_cast<size_t>(end - p) < len) return false;
  content = p;
  next = p + len;
  return true;
}

// "<8 hex digits>" of the certificate's subject, as the hashed directory names it (the
// X509_NAME_hash_ex() of c_rehash and the directory lookup); empty when it cannot be read. Only
// the subject name is decoded: not the key, whose decoding is what costs memory.
std::string subjectHash(std::string_view base64) {
  std::vector<unsigned char> der(base64.size() / 4 * 3 + 3);
  int n = EVP_DecodeBlock(der.data(), reinterpret_cast<const unsigned char*>(base64.data()),
                          static_cast<int>(base64.size()));
  if (n <= 0) return "";
  const unsigned char* end = der.data() + n;
  unsigned char tag = 0;
  const unsigned char *content = nullptr, *next = nullptr;
  // Certificate ::= SEQUENCE { tbsCertificate SEQUENCE { [0] version OPTIONAL, serial,
  // signature, issuer, validity, subject, ... } ... }
  if (!derElement(der.data(), end, tag, content, next) || tag != 0x30) return "";
  const unsigned char* cert_end = next;
  if (!derElement(content, cert_end, tag, content, next) || tag != 0x30) return "";
  const unsigned char* tbs_end = next;
  const unsigned char* p = content;
  if (!derElement(p, tbs_end, tag, content, next)) return "";
  if (tag == 0xa0) p = next;              // the explicit version
  for (int skip = 0; skip < 4; ++skip) {  // serial, signature, issuer, validity
    if (!derElement(p, tbs_end, tag, content, next)) return "";
    p = next;
  }
  const unsigned char* subject = p;
  if (!derElement(p, tbs_end, tag, content, next) || tag != 0x30) return "";
  X509_NAME* name = d2i_X509_NAME(nullptr, &subject, next - subject);
  if (name == nullptr) return "";
  int ok = 0;
  unsigned long hash = X509_NAME_hash_ex(name, nullptr, nullptr, &ok);
  X509_NAME_free(name);
  if (ok != 1) return "";
  char text[16];
  std::snprintf(text, sizeof text, "%08lx", hash);
  return text;
}

bool exists(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0;
}

// Whether the directory lookup finds this certificate: it reads <dir>/<hash>.0, .1, ... until
// one is missing, in each directory in turn.
bool foundInDirectories(std::string_view body, const std::vector<std::string>& dirs,
                        std::string& scratch) {
  std::string hash = subjectHash(body);
  if (hash.empty()) return false;
  for (const std::string& dir : dirs) {
    for (int k = 0;; ++k) {
      std::string path = dir + "/" + hash + "." + std::to_string(k);
      if (!exists(path)) break;
      MappedFile file(path);
      bool found = false;
      size_t blocks = 0;
      bool plain = forEachCertificate(file.text(), scratch, [&](std::string_view b) {
        ++blocks;
        found = b == body;
        return !found;
      });
      if (found) return true;
      // OpenSSL's lookup stops at a file it cannot load (one without a certificate among them);
      // stopping at one this cannot read too only ever means parsing the bundle.
      if (!plain || blocks == 0) break;
    }
  }
  return false;
}

std::vector<std::string> splitDirectories(const std::string& list) {
  std::vector<std::string> dirs;
  size_t start = 0;
  while (start <= list.size()) {
    size_t colon = list.find(':', start);
    if (colon == std::string::npos) colon = list.size();
    if (colon > start) dirs.push_back(list.substr(start, colon - start));
    start = colon + 1;
  }
  return dirs;
}

}  // namespace

SystemTrustPlan planSystemTrust() {
  SystemTrustPlan plan;
  plan.bundle = defaultPath(X509_get_default_cert_file_env(), X509_get_default_cert_file());
  plan.directories = defaultPath(X509_get_default_cert_dir_env(), X509_get_default_cert_dir());
  MappedFile bundle(plan.bundle);
  std::vector<std::string> dirs = splitDirectories(plan.directories);
  std::string body, scratch;
  size_t count = 0;
  bool covered = forEachCertificate(bundle.text(), body, [&](std::string_view b) {
    if (!foundInDirectories(b, dirs, scratch)) return false;
    ++count;
    return true;
  });
  ERR_clear_error();
  if (covered) {
    plan.on_demand = true;  // also when there is no bundle: OpenSSL would load nothing from it
    return plan;
  }
  plan.reason = "its PEM block " + std::to_string(count + 1) +
                " is not a plain certificate found in " + plan.directories;
  return plan;
}

void addSystemLookups(X509_STORE* store) {
  if (X509_LOOKUP* dir = X509_STORE_add_lookup(store, X509_LOOKUP_hash_dir()))
    X509_LOOKUP_add_dir(dir, nullptr, X509_FILETYPE_DEFAULT);
  if (X509_LOOKUP* uri = X509_STORE_add_lookup(store, X509_LOOKUP_store()))
    X509_LOOKUP_add_store(uri, nullptr);
  ERR_clear_error();
}

}  // namespace relay
