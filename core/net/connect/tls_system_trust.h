// The system CA store, with the trust X509_STORE_set_default_paths() gives (the bundle file, or
// SSL_CERT_FILE; the hashed directories, or SSL_CERT_DIR; the default store URI), without keeping
// the whole bundle parsed in memory when it need not be: on Debian and most distributions the
// hashed directory (c_rehash links, /etc/ssl/certs) holds every certificate of the bundle, and
// then looking certificates up there on demand trusts exactly the same set while only the roots
// actually used are ever parsed (the parsed bundle of ~140 roots is about 1.2 MB resident).
#pragma once

#include <openssl/x509.h>

#include <string>

namespace relay {

struct SystemTrustPlan {
  // True when every certificate of the bundle can be found in the hashed directories the way
  // OpenSSL's directory lookup finds it (<subject hash>.<n>, n counted from 0 without a gap),
  // byte for byte; also when there is no readable bundle (it adds nothing then).
  bool on_demand = false;
  std::string bundle;       // the file X509_STORE_set_default_paths() would load
  std::string directories;  // the directories it would search, ':'-separated
  std::string reason;       // why the bundle must be parsed, when it must
};

// Blocking (reads the bundle and the directory files it names): never on a loop.
SystemTrustPlan planSystemTrust();

// Adds OpenSSL's default on-demand lookups to `store`: the hashed directories and the default
// store URI, as X509_STORE_set_default_paths() does (without its bundle file).
void addSystemLookups(X509_STORE* store);

}  // namespace relay
