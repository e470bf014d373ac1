// A TLS client over memory BIOs: ciphertext in via feed(), out via takeOutput(); the socket is
// someone else's. SNI and hostname (or IP) verification always on.
#pragma once

#include <openssl/ssl.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace relay {

class TlsEngine {
 public:
  enum class Handshake { InProgress, Done, Failed };
  enum class Read { Data, WantMore, Closed, Failed };

  // Null with `error` set on failure. `server_name` is used for SNI (unless an IP literal) and
  // for certificate verification. `session_key` names the upstream identity in the shared
  // TlsSessionCache: a session kept under it is offered, new ones are kept under it (empty: no
  // resumption). It must differ whenever anything that decides the peer or its trust differs.
  static std::unique_ptr<TlsEngine> create(SSL_CTX* ctx, const std::string& server_name,
                                           const std::vector<std::string>& alpn,
                                           std::string session_key, std::string& error);
  ~TlsEngine();
  TlsEngine(const TlsEngine&) = delete;
  TlsEngine& operator=(const TlsEngine&) = delete;

  void feed(std::string_view ciphertext);
  Handshake handshake();
  // Plaintext into `out` (replaced) while Data; Closed on close_notify.
  Read read(std::string& out);
  void write(std::string_view plaintext);
  void shutdown();  // queues close_notify
  std::string takeOutput();
  bool hasOutput() const;

  std::string alpn() const;
  // After the handshake: whether it resumed a kept session (no certificate exchanged).
  bool resumed() const { return SSL_session_reused(ssl_) == 1; }
  const std::string& error() const { return error_; }

 private:
  explicit TlsEngine(SSL* ssl) : ssl_(ssl) {}
  std::string describeFailure(int rc);

  SSL* ssl_;
  BIO* in_ = nullptr;   // owned by ssl_
  BIO* out_ = nullptr;  // owned by ssl_
  std::string error_;
  std::string session_key_;  // SSL_get_app_data points here for the new-session callback
  bool offered_session_ = false;
};

}  // namespace relay
