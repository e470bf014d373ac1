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
  // for certificate verification.
  static std::unique_ptr<TlsEngine> create(SSL_CTX* ctx, const std::string& server_name,
                                           const std::vector<std::string>& alpn,
                                           std::string& error);
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
  const std::string& error() const { return error_; }

 private:
  explicit TlsEngine(SSL* ssl) : ssl_(ssl) {}
  std::string describeFailure(int rc);

  SSL* ssl_;
  BIO* in_ = nullptr;   // owned by ssl_
  BIO* out_ = nullptr;  // owned by ssl_
  std::string error_;
};

}  // namespace relay
