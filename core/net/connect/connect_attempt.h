// One connectTransport() run: resolve, TCP connect (each address in turn), optional proxy
// handshake, optional TLS handshake; then a SocketTransport or an attributed TransportError.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/net/connect/connector.h"
#include "core/net/connect/loop_timer.h"
#include "core/net/connect/proxy_handshake.h"
#include "core/net/connect/tcp_socket.h"
#include "core/net/connect/tls_context_request.h"
#include "core/net/connect/tls_engine.h"

namespace relay {

class TcpConnectAttempt : public ConnectAttempt, private TcpSocket::Events {
 public:
  TcpConnectAttempt(uv_loop_t* loop, DnsCache& dns, ConnectOptions opts, ConnectCallback done);
  ~TcpConnectAttempt() override;
  void start();
  void cancel() override;

 private:
  enum class Phase { Idle, Resolve, Connect, Proxy, Tls, Finished };

  void resolve();
  void onResolved(std::vector<sockaddr_storage> addresses, const std::string& error);
  void connectNext();
  void onConnected(int status);
  void onConnectTimeout();
  void startProxy();
  void prepareTlsContext();  // from the start, so a build overlaps DNS and the TCP connect
  void onTlsContext(SSL_CTX* ctx, const std::string& error);
  void startTls(const std::string& early_ciphertext);
  void beginTls();  // once the context is there
  void stepTls();
  void succeed(std::string early_plaintext);
  void fail(TransportError::Kind kind, const std::string& message);
  void onSocketData(std::string_view bytes) override;
  void onSocketEnd(int status) override;

  std::string accountPrefix() const;
  std::string hopName() const;     // "proxy socks5 127.0.0.1:1080" or "api.example.com:443"
  std::string targetName() const;  // "api.example.com:443"
  // Everything that decides the TLS peer and its trust: a kept session is offered only to a
  // connection with the same key.
  std::string sessionKey() const;

  uv_loop_t* loop_;
  DnsCache& dns_;
  ConnectOptions opts_;
  ConnectCallback done_;
  Phase phase_ = Phase::Idle;
  bool starting_ = false;  // inside start(): a failure waits for the loop
  LoopTimer timer_;
  std::unique_ptr<DnsLookup> lookup_;
  std::vector<sockaddr_storage> addresses_;
  size_t next_address_ = 0;
  std::string last_connect_error_;
  bool last_connect_timed_out_ = false;
  std::unique_ptr<TcpSocket> socket_;
  std::unique_ptr<ProxyHandshake> proxy_;
  std::unique_ptr<TlsEngine> tls_;
  SSL_CTX* tls_ctx_ = nullptr;
  std::string tls_ctx_error_;
  std::unique_ptr<TlsContextRequest> tls_ctx_request_;  // while the context is being built
  std::string tls_early_;        // ciphertext held until the context is there
  uint64_t tls_started_ns_ = 0;  // uv_hrtime() at the ClientHello: the handshake metric
};

}  // namespace relay
