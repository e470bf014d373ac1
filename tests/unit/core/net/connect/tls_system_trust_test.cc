// planSystemTrust: when the hashed directory may stand in for the bundle (every certificate of
// it found there the way OpenSSL's directory lookup finds it), and when the bundle must be parsed.
// SSL_CERT_FILE and SSL_CERT_DIR point at files the test writes.
#include "core/net/connect/tls_system_trust.h"

#include <cstdio>
#include <cstdlib>
#include <string>

#include "connect_test_support.h"
#include "doctest/doctest.h"

using namespace relay;
using namespace relay::test;

namespace {

// The certificate's subject hash, as c_rehash names it.
std::string subjectHashOf(const std::string& cert_file) {
  std::string cmd = "openssl x509 -noout -subject_hash -in '" + cert_file + "'";
  FILE* p = popen(cmd.c_str(), "r");
  REQUIRE(p != nullptr);
  char line[64] = {0};
  REQUIRE(fgets(line, sizeof line, p) != nullptr);
  pclose(p);
  std::string hash(line);
  while (!hash.empty() && (hash.back() == '\n' || hash.back() == '\r')) hash.pop_back();
  return hash;
}

// Points OpenSSL's system store at `file` and `dir` while it lives; restores what was there.
class SystemStoreEnv {
 public:
  SystemStoreEnv(const std::string& file, const std::string& dir)
      : file_(save("SSL_CERT_FILE")), dir_(save("SSL_CERT_DIR")) {
    setenv("SSL_CERT_FILE", file.c_str(), 1);
    setenv("SSL_CERT_DIR", dir.c_str(), 1);
  }
  ~SystemStoreEnv() {
    restore("SSL_CERT_FILE", file_);
    restore("SSL_CERT_DIR", dir_);
  }

 private:
  struct Saved {
    bool set = false;
    std::string value;
  };
  static Saved save(const char* name) {
    const char* v = std::getenv(name);
    return v == nullptr ? Saved{} : Saved{true, v};
  }
  static void restore(const char* name, const Saved& saved) {
    if (saved.set)
      setenv(name, saved.value.c_str(), 1);
    else
      unsetenv(name);
  }
  Saved file_, dir_;
};

}  // namespace

TEST_CASE("a directory holding every bundle certificate under its subject hash: on demand") {
  TempDir dir;
  std::string ca = readFile(testCerts().ca_file);
  dir.write("bundle.pem", "# a comment line\n" + ca);
  std::string hash = subjectHashOf(testCerts().ca_file);
  dir.write(hash + ".0", readFile(testCerts().server_cert));  // another one: .1 is looked at next
  dir.write(hash + ".1", ca);
  SystemStoreEnv env(dir.file("bundle.pem"), "/nonexistent:" + dir.path());
  SystemTrustPlan plan = planSystemTrust();
  CHECK(plan.on_demand);
  CHECK(plan.bundle == dir.file("bundle.pem"));
  CHECK(plan.directories == "/nonexistent:" + dir.path());
}

TEST_CASE("a gap in the numbering hides the certificate from the lookup: parsed") {
  TempDir dir;
  std::string ca = readFile(testCerts().ca_file);
  dir.write("bundle.pem", ca);
  dir.write(subjectHashOf(testCerts().ca_file) + ".1", ca);  // no .0: OpenSSL never reads .1
  SystemStoreEnv env(dir.file("bundle.pem"), dir.path());
  SystemTrustPlan plan = planSystemTrust();
  CHECK_FALSE(plan.on_demand);
  CHECK(plan.reason.find("PEM block 1") != std::string::npos);
}

TEST_CASE("a file the lookup cannot load stops it before the certificate: parsed") {
  TempDir dir;
  std::string ca = readFile(testCerts().ca_file);
  dir.write("bundle.pem", ca);
  std::string hash = subjectHashOf(testCerts().ca_file);
  dir.write(hash + ".0", "no certificate in here\n");  // OpenSSL's load fails: it never reads .1
  dir.write(hash + ".1", ca);
  SystemStoreEnv env(dir.file("bundle.pem"), dir.path());
  CHECK_FALSE(planSystemTrust().on_demand);
}

TEST_CASE("anything but plain certificates in the bundle: parsed") {
  TempDir dir;
  std::string ca = readFile(testCerts().ca_file);
  dir.write(subjectHashOf(testCerts().ca_file) + ".0", ca);
  dir.write("bundle.pem", ca + "-----BEGIN X509 CRL-----\nAAAA\n-----END X509 CRL-----\n");
  {
    SystemStoreEnv env(dir.file("bundle.pem"), dir.path());
    CHECK_FALSE(planSystemTrust().on_demand);
  }
  dir.write("trusted.pem",
            "-----BEGIN TRUSTED CERTIFICATE-----\nAAAA\n"
            "-----END TRUSTED CERTIFICATE-----\n");
  SystemStoreEnv env(dir.file("trusted.pem"), dir.path());
  CHECK_FALSE(planSystemTrust().on_demand);
}

TEST_CASE("no bundle, or an empty one: on demand (OpenSSL loads nothing from it either)") {
  TempDir dir;
  {
    SystemStoreEnv env(dir.file("missing.pem"), dir.path());
    CHECK(planSystemTrust().on_demand);
  }
  dir.write("empty.pem", "");
  SystemStoreEnv env(dir.file("empty.pem"), dir.path());
  CHECK(planSystemTrust().on_demand);
}
