// The Transport handed to upstream/: a connected TcpSocket, with a TlsEngine when the hop is
// TLS. Bytes that arrived before the handler was set (or during a pause) are held and
// delivered later, from the loop, never from inside setHandler()/resumeReading().
#pragma once

#include <memory>
#include <string>

#include "core/net/connect/loop_timer.h"
#include "core/net/connect/tcp_socket.h"
#include "core/net/connect/tls_engine.h"
#include "core/net/connect/transport.h"

namespace relay {

class SocketTransport : public Transport, private TcpSocket::Events {
 public:
  // `early_plaintext`: tunnel bytes already read (e.g. past a CONNECT reply) on a plain hop.
  // `label` prefixes error messages ("account a1: api.example.com:443").
  SocketTransport(uv_loop_t* loop, std::unique_ptr<TcpSocket> socket,
                  std::unique_ptr<TlsEngine> tls, std::string early_plaintext, std::string label);
  ~SocketTransport() override;

  void setHandler(Handler* h) override;
  void write(std::string_view bytes) override;
  void write(std::string_view first, std::string_view second) override;
  size_t pendingWriteBytes() const override { return socket_->pendingBytes(); }
  void pauseReading() override;
  void resumeReading() override;
  std::string_view alpn() const override { return alpn_; }
  bool isOpen() const override { return open_; }
  void close() override;

 private:
  void onSocketData(std::string_view bytes) override;
  void onSocketEnd(int status) override;
  void onSocketDrained() override;
  void scheduleDrain();
  // Delivers held plaintext (and a held end) while a handler is set and reading is not paused.
  void drain();
  bool deliver(std::string_view bytes);  // false when the handler closed/destroyed us
  TlsEngine::Read readTls(std::string& plain);
  void flushTls();
  void finish(const TransportError* error);

  std::unique_ptr<TcpSocket> socket_;
  std::unique_ptr<TlsEngine> tls_;
  // Decrypted bytes handed on at once at most (the plain socket reads 64 KiB at a time too).
  static constexpr size_t kTlsBatchBytes = 64 * 1024;
  // What ended the last run of records (Closed / Failed), not yet acted on; WantMore: nothing.
  TlsEngine::Read tls_after_ = TlsEngine::Read::WantMore;
  LoopTimer drain_timer_;
  std::string held_;  // plaintext not yet delivered
  std::string alpn_;
  std::string label_;
  Handler* handler_ = nullptr;
  bool open_ = true;
  bool paused_ = false;
  bool peer_ended_ = false;
  std::unique_ptr<TransportError> end_error_;  // with peer_ended_: why (null: clean)
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace relay
