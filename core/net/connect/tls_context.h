// Client SSL_CTX per extra CA file, built once per process: system CA store always, plus the
// file's CAs; peer verification on.
#pragma once

#include <openssl/ssl.h>

#include <string>

namespace relay {

// Null with `error` set when the CA file cannot be loaded. The context lives until exit.
SSL_CTX* clientTlsContext(const std::string& ca_file, std::string& error);

// The first queued OpenSSL error as text (and clears the queue); `fallback` if none.
std::string takeOpensslError(const char* fallback);

}  // namespace relay
