#include "core/net/connect/tls_context.h"

#include <openssl/err.h>

#include <map>
#include <mutex>

#include "core/obs/log.h"

namespace relay {

std::string takeOpensslError(const char* fallback) {
  unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return fallback;
  char text[256];
  ERR_error_string_n(code, text, sizeof text);
  return text;
}

namespace {

SSL_CTX* buildContext(const std::string& ca_file, std::string& error) {
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  if (ctx == nullptr) {
    error = "cannot create TLS context: " + takeOpensslError("out of memory");
    return nullptr;
  }
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
  // Idle pooled connections should not keep 2 x 16 KiB record buffers.
  SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
  // Many origins close without close_notify; framing (not TLS) tells truncation apart.
  SSL_CTX_set_options(ctx, SSL_OP_IGNORE_UNEXPECTED_EOF);
  SSL_CTX_set_default_verify_paths(ctx);
  ERR_clear_error();  // a missing system store is not fatal on its own
  if (!ca_file.empty() && SSL_CTX_load_verify_locations(ctx, ca_file.c_str(), nullptr) != 1) {
    error = "cannot load CA file " + ca_file + ": " + takeOpensslError("unreadable");
    SSL_CTX_free(ctx);
    return nullptr;
  }
  return ctx;
}

// Freed at exit so sanitizer builds report no leaks. Built after OpenSSL's own init, so its
// destructor runs before OpenSSL's atexit cleanup. A function-local static: OpenSSL's TLS side
// is set up at the first TLS connection, not at start-up.
struct ContextCache {
  ContextCache() { OPENSSL_init_ssl(0, nullptr); }
  ~ContextCache() {
    for (auto& [file, ctx] : contexts) SSL_CTX_free(ctx);
  }
  std::mutex mutex;
  std::map<std::string, SSL_CTX*> contexts;
};

}  // namespace

SSL_CTX* clientTlsContext(const std::string& ca_file, std::string& error) {
  static ContextCache cache;
  std::lock_guard<std::mutex> lock(cache.mutex);
  auto it = cache.contexts.find(ca_file);
  if (it != cache.contexts.end()) return it->second;
  SSL_CTX* ctx = buildContext(ca_file, error);
  if (ctx == nullptr) return nullptr;
  cache.contexts.emplace(ca_file, ctx);
  // Built at the first TLS connection, never at start-up: OpenSSL and the system CA store cost
  // megabytes resident, which a relay with plain-HTTP upstreams should not pay (issue 12).
  logf(LogLevel::kDebug, "tls", "client TLS context built (system CA store%s%s)",
       ca_file.empty() ? "" : " and ", ca_file.c_str());
  return ctx;
}

}  // namespace relay
