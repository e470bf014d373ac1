#include "core/net/connect/tls_context.h"

#include <openssl/err.h>
#include <openssl/x509.h>

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <thread>
#include <utility>

#include "core/net/connect/tls_handshake_metrics.h"
#include "core/net/connect/tls_session_cache.h"
#include "core/net/connect/tls_system_trust.h"
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

// Freed at exit so sanitizer builds report no leaks. Built after OpenSSL's own init, so its
// destructor runs before OpenSSL's atexit cleanup. A function-local static: OpenSSL's TLS side
// is set up when TLS is first needed (or the configuration says it will be), not otherwise.
struct ContextCache {
  ContextCache() {
    OPENSSL_init_ssl(0, nullptr);
    registerTlsHandshakeMetrics();  // a relay that speaks TLS to upstreams exports them from 0
  }
  ~ContextCache() {
    if (preparer.joinable()) preparer.join();
    for (auto& [file, ctx] : contexts) SSL_CTX_free(ctx);
    X509_STORE_free(system_store);
  }
  std::mutex build_mutex;       // held while building (tens of ms): never taken on a loop
  bool system_planned = false;  // under build_mutex, like the two below
  SystemTrustPlan system_plan;
  X509_STORE* system_store = nullptr;  // the parsed bundle, unless looked up on demand
  std::mutex map_mutex;                // held only to read or insert `contexts`
  std::map<std::string, SSL_CTX*> contexts;
  std::thread preparer;   // prepareClientTlsContexts()
  bool prepared = false;  // under map_mutex
};

std::atomic<ContextCache*> published{nullptr};

// Initialises OpenSSL at the first call: not for loops (builtClientTlsContext() reads
// `published` instead).
ContextCache& cache() {
  static ContextCache c;
  published.store(&c, std::memory_order_release);
  return c;
}

SSL_CTX* findBuilt(ContextCache& c, const std::string& ca_file) {
  std::lock_guard<std::mutex> lock(c.map_mutex);
  auto it = c.contexts.find(ca_file);
  return it == c.contexts.end() ? nullptr : it->second;
}

// The system CAs, decided once: looked up on demand in the hashed directories when they hold the
// whole bundle (tls_system_trust.h), else the bundle parsed once (tens of milliseconds, about
// 1.2 MB) and shared by every context. Under build_mutex.
void planSystem(ContextCache& c) {
  if (c.system_planned) return;
  c.system_planned = true;
  c.system_plan = planSystemTrust();
  if (c.system_plan.on_demand) return;
  c.system_store = X509_STORE_new();
  if (c.system_store != nullptr) X509_STORE_set_default_paths(c.system_store);
  ERR_clear_error();  // a missing system store is not fatal on its own
}

// `own` gets what X509_STORE_set_default_paths() would give it, without parsing the bundle
// again: the on-demand lookups and the parsed bundle's certificates (shared references), if any.
void addSystemTrust(X509_STORE* own, X509_STORE* system) {
  addSystemLookups(own);
  if (system == nullptr) return;
  X509_STORE_lock(system);  // verifications elsewhere may add certificates found on demand
  STACK_OF(X509_OBJECT)* objects = X509_STORE_get0_objects(system);
  for (int i = 0; i < sk_X509_OBJECT_num(objects); ++i) {
    X509_OBJECT* o = sk_X509_OBJECT_value(objects, i);
    if (X509* cert = X509_OBJECT_get0_X509(o)) X509_STORE_add_cert(own, cert);
    if (X509_CRL* crl = X509_OBJECT_get0_X509_CRL(o)) X509_STORE_add_crl(own, crl);
  }
  X509_STORE_unlock(system);
  ERR_clear_error();
}

SSL_CTX* buildContext(ContextCache& c, const std::string& ca_file, std::string& error) {
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
  TlsSessionCache::enable(ctx);
  planSystem(c);
  X509_STORE* system = c.system_store;
  if (ca_file.empty() && system != nullptr) {
    SSL_CTX_set1_cert_store(ctx, system);
    return ctx;
  }
  addSystemTrust(SSL_CTX_get_cert_store(ctx), system);
  if (ca_file.empty()) return ctx;
  if (SSL_CTX_load_verify_locations(ctx, ca_file.c_str(), nullptr) != 1) {
    error = "cannot load CA file " + ca_file + ": " + takeOpensslError("unreadable");
    SSL_CTX_free(ctx);
    return nullptr;
  }
  return ctx;
}

thread_local std::vector<std::pair<std::string, SSL_CTX*>> seen_here;  // this thread's hits

}  // namespace

SSL_CTX* clientTlsContext(const std::string& ca_file, std::string& error) {
  ContextCache& c = cache();
  if (SSL_CTX* ctx = findBuilt(c, ca_file)) return ctx;
  std::lock_guard<std::mutex> build(c.build_mutex);
  if (SSL_CTX* ctx = findBuilt(c, ca_file)) return ctx;  // built while this thread waited
  auto started = std::chrono::steady_clock::now();
  SSL_CTX* ctx = buildContext(c, ca_file, error);
  if (ctx == nullptr) return nullptr;
  {
    std::lock_guard<std::mutex> lock(c.map_mutex);
    c.contexts.emplace(ca_file, ctx);
  }
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() -
                                                                  started)
                .count();
  // Never built for a relay with plain-HTTP upstreams only: OpenSSL and the system CA store cost
  // megabytes resident (issue 12).
  const SystemTrustPlan& plan = c.system_plan;
  std::string system = plan.on_demand
                           ? "system CAs looked up on demand in " + plan.directories
                           : "system CA bundle " + plan.bundle + " parsed: " + plan.reason;
  logf(LogLevel::kDebug, "tls", "client TLS context built (%s%s%s) in %lld us", system.c_str(),
       ca_file.empty() ? "" : ", and ", ca_file.c_str(), static_cast<long long>(us));
  return ctx;
}

SSL_CTX* builtClientTlsContext(const std::string& ca_file) {
  for (const auto& [file, ctx] : seen_here)
    if (file == ca_file) return ctx;
  ContextCache* c = published.load(std::memory_order_acquire);
  if (c == nullptr) return nullptr;
  SSL_CTX* ctx = findBuilt(*c, ca_file);
  if (ctx != nullptr) seen_here.emplace_back(ca_file, ctx);
  return ctx;
}

void prepareClientTlsContexts(std::vector<std::string> ca_files) {
  if (ca_files.empty()) return;
  ContextCache& c = cache();
  {
    std::lock_guard<std::mutex> lock(c.map_mutex);
    if (c.prepared) return;
    c.prepared = true;
  }
  c.preparer = std::thread([files = std::move(ca_files)] {
    for (const std::string& file : files) {
      std::string error;
      clientTlsContext(file, error);  // a failure is reported by the connection that needs it
    }
  });
}

}  // namespace relay
