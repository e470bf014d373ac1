// Client SSL_CTX per extra CA file, built once per process: system CA store always (looked up
// on demand in the hashed directory when it holds the whole bundle, else the bundle parsed once
// and shared by every context: tls_system_trust.h), plus the file's CAs; peer verification on;
// client-side session resumption through TlsSessionCache.
//
// Building the first context costs milliseconds (tens when the bundle is parsed): never on a
// loop.
// A loop asks builtClientTlsContext() and, when it is not there yet, waits for a
// TlsContextRequest (tls_context_request.h) that builds it on libuv's thread pool.
// prepareClientTlsContexts() builds them at start-up when the configuration needs TLS.
#pragma once

#include <openssl/ssl.h>

#include <string>
#include <vector>

namespace relay {

// Blocking: builds the context at the first call for `ca_file` (any thread, never a loop's).
// Null with `error` set when the CA file cannot be loaded. The context lives until exit.
SSL_CTX* clientTlsContext(const std::string& ca_file, std::string& error);

// Never blocks: the context for `ca_file` if it is built, else null. Lock-free after this
// thread's first hit.
SSL_CTX* builtClientTlsContext(const std::string& ca_file);

// Builds the contexts for `ca_files` on a background thread, now. Does nothing when called
// again or with an empty list; errors are left to the connection that needs the context.
void prepareClientTlsContexts(std::vector<std::string> ca_files);

// The first queued OpenSSL error as text (and clears the queue); `fallback` if none.
std::string takeOpensslError(const char* fallback);

}  // namespace relay
