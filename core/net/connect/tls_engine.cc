#include "core/net/connect/tls_engine.h"

#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

#include <ctime>

#include "core/net/connect/tls_context.h"
#include "core/net/connect/tls_session_cache.h"

namespace relay {

namespace {

bool isIpLiteral(const std::string& host) {
  unsigned char buf[16];
  return inet_pton(AF_INET, host.c_str(), buf) == 1 || inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

std::string alpnWire(const std::vector<std::string>& protocols) {
  std::string wire;
  for (const auto& p : protocols) {
    if (p.empty() || p.size() > 255) continue;
    wire += char(p.size());
    wire += p;
  }
  return wire;
}

}  // namespace

std::unique_ptr<TlsEngine> TlsEngine::create(SSL_CTX* ctx, const std::string& server_name,
                                             const std::vector<std::string>& alpn,
                                             std::string session_key, std::string& error) {
  ERR_clear_error();
  SSL* ssl = SSL_new(ctx);
  if (ssl == nullptr) {
    error = "cannot create TLS session: " + takeOpensslError("out of memory");
    return nullptr;
  }
  std::unique_ptr<TlsEngine> engine(new TlsEngine(ssl));
  engine->in_ = BIO_new(BIO_s_mem());
  engine->out_ = BIO_new(BIO_s_mem());
  SSL_set_bio(ssl, engine->in_, engine->out_);
  SSL_set_connect_state(ssl);
  bool ok = true;
  if (isIpLiteral(server_name)) {
    ok = X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), server_name.c_str()) == 1;
  } else {
    ok = SSL_set_tlsext_host_name(ssl, server_name.c_str()) == 1 &&
         SSL_set1_host(ssl, server_name.c_str()) == 1;
  }
  std::string wire = alpnWire(alpn);
  if (ok && !wire.empty()) {
    // Note the inverted convention: 0 is success.
    ok = SSL_set_alpn_protos(ssl, reinterpret_cast<const unsigned char*>(wire.data()),
                             static_cast<unsigned>(wire.size())) == 0;
  }
  if (!ok) {
    error = "cannot set up TLS for " + server_name + ": " + takeOpensslError("invalid name");
    return nullptr;
  }
  engine->session_key_ = std::move(session_key);
  if (!engine->session_key_.empty()) {
    TlsSessionCache::setKey(ssl, &engine->session_key_);
    auto now = static_cast<int64_t>(std::time(nullptr));
    if (SSL_SESSION* kept = TlsSessionCache::shared().take(engine->session_key_, now)) {
      engine->offered_session_ = SSL_set_session(ssl, kept) == 1;
      SSL_SESSION_free(kept);  // the SSL holds its own reference
      ERR_clear_error();
    }
  }
  return engine;
}

TlsEngine::~TlsEngine() {
  SSL_free(ssl_);
}

void TlsEngine::feed(std::string_view ciphertext) {
  if (!ciphertext.empty()) BIO_write(in_, ciphertext.data(), static_cast<int>(ciphertext.size()));
}

TlsEngine::Handshake TlsEngine::handshake() {
  ERR_clear_error();
  int rc = SSL_do_handshake(ssl_);
  if (rc == 1) return Handshake::Done;
  int err = SSL_get_error(ssl_, rc);
  if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) return Handshake::InProgress;
  error_ = describeFailure(rc);
  // A kept session may be what the server objects to: the next attempt starts afresh.
  if (offered_session_) TlsSessionCache::shared().forget(session_key_);
  return Handshake::Failed;
}

std::string TlsEngine::describeFailure(int rc) {
  long verify = SSL_get_verify_result(ssl_);
  if (verify != X509_V_OK) {
    ERR_clear_error();
    return std::string("certificate verify failed: ") + X509_verify_cert_error_string(verify);
  }
  int err = SSL_get_error(ssl_, rc);
  if (err == SSL_ERROR_SYSCALL || err == SSL_ERROR_ZERO_RETURN) {
    return takeOpensslError("peer closed the connection during the TLS handshake");
  }
  return "TLS handshake failed: " + takeOpensslError("unknown error");
}

TlsEngine::Read TlsEngine::read(std::string& out) {
  char buf[16 * 1024];
  ERR_clear_error();
  int n = SSL_read(ssl_, buf, sizeof buf);
  if (n > 0) {
    out.assign(buf, static_cast<size_t>(n));
    return Read::Data;
  }
  int err = SSL_get_error(ssl_, n);
  if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) return Read::WantMore;
  if (err == SSL_ERROR_ZERO_RETURN) return Read::Closed;
  error_ = "TLS read failed: " + takeOpensslError("protocol error");
  return Read::Failed;
}

void TlsEngine::write(std::string_view plaintext) {
  // Memory BIOs grow, so SSL_write takes everything at once.
  if (!plaintext.empty()) SSL_write(ssl_, plaintext.data(), static_cast<int>(plaintext.size()));
}

void TlsEngine::shutdown() {
  ERR_clear_error();
  SSL_shutdown(ssl_);
  ERR_clear_error();
}

bool TlsEngine::hasOutput() const {
  return BIO_ctrl_pending(out_) > 0;
}

std::string TlsEngine::takeOutput() {
  std::string out(BIO_ctrl_pending(out_), '\0');
  if (out.empty()) return out;
  int n = BIO_read(out_, out.data(), static_cast<int>(out.size()));
  out.resize(n > 0 ? static_cast<size_t>(n) : 0);
  return out;
}

std::string TlsEngine::alpn() const {
  const unsigned char* proto = nullptr;
  unsigned len = 0;
  SSL_get0_alpn_selected(ssl_, &proto, &len);
  return proto == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(proto), len);
}

}  // namespace relay
