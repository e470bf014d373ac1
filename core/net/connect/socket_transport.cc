#include "core/net/connect/socket_transport.h"

#include <utility>

namespace relay {

using Kind = TransportError::Kind;

SocketTransport::SocketTransport(uv_loop_t* loop, std::unique_ptr<TcpSocket> socket,
                                 std::unique_ptr<TlsEngine> tls, std::string early_plaintext,
                                 std::string label)
    : socket_(std::move(socket)),
      tls_(std::move(tls)),
      drain_timer_(loop),
      held_(std::move(early_plaintext)),
      label_(std::move(label)) {
  if (tls_) alpn_ = tls_->alpn();
  socket_->setEvents(this);
  socket_->startReading();
}

SocketTransport::~SocketTransport() {
  *alive_ = false;
  close();
}

void SocketTransport::setHandler(Handler* h) {
  handler_ = h;
  // Only held plaintext, a held end, or TLS records read during the handshake can be waiting;
  // a plain connection with none has nothing to drain, and arms no timer (one per dial).
  if (h != nullptr && (tls_ || !held_.empty() || peer_ended_)) scheduleDrain();
}

void SocketTransport::write(std::string_view bytes) {
  write(bytes, {});
}

void SocketTransport::write(std::string_view first, std::string_view second) {
  if (!open_ || first.size() + second.size() == 0) return;
  if (!tls_) {
    socket_->write(first, second);
    return;
  }
  if (!first.empty()) tls_->write(first);
  if (!second.empty()) tls_->write(second);
  flushTls();
}

void SocketTransport::flushTls() {
  if (tls_ && tls_->hasOutput()) socket_->write(tls_->takeOutput());
}

void SocketTransport::pauseReading() {
  paused_ = true;
  drain_timer_.stop();
  socket_->stopReading();
}

void SocketTransport::resumeReading() {
  if (!open_ || !paused_) return;
  paused_ = false;
  if (!peer_ended_) socket_->startReading();
  scheduleDrain();  // TLS records or held bytes may be waiting
}

void SocketTransport::close() {
  if (!open_) return;
  open_ = false;
  handler_ = nullptr;
  drain_timer_.stop();
  if (tls_ && !peer_ended_) {
    tls_->shutdown();
    flushTls();  // libuv writes at once when its queue is empty, so close_notify usually leaves
  }
  socket_->close();
}

void SocketTransport::scheduleDrain() {
  if (!open_) return;
  drain_timer_.start(0, [this] { drain(); });
}

bool SocketTransport::deliver(std::string_view bytes) {
  std::shared_ptr<bool> alive = alive_;
  handler_->onTransportData(bytes);
  return *alive && open_;
}

void SocketTransport::drain() {
  while (open_ && handler_ != nullptr && !paused_) {
    if (!held_.empty()) {
      std::string bytes = std::move(held_);
      held_.clear();
      if (!deliver(bytes)) return;
      continue;
    }
    if (tls_) {
      std::string plain;
      TlsEngine::Read r = readTls(plain);
      flushTls();  // key updates / alerts produced while reading
      if (r == TlsEngine::Read::Data) {
        if (!deliver(plain)) return;
        continue;
      }
      if (r == TlsEngine::Read::Closed) {
        finish(nullptr);
        return;
      }
      if (r == TlsEngine::Read::Failed) {
        TransportError e{Kind::Tls, label_ + ": " + tls_->error()};
        finish(&e);
        return;
      }
    }
    if (peer_ended_) finish(end_error_.get());
    return;
  }
}

// Every record the last socket read completed, as one piece: an upstream that got ahead (a few
// events, a few HTTP/2 frames in their own records) costs one pass through the codec and the
// chain, as the same bytes over plain TCP do. What ends the run (the peer's close_notify, a
// failure) is kept for the next call, after these bytes are delivered.
TlsEngine::Read SocketTransport::readTls(std::string& plain) {
  if (tls_after_ != TlsEngine::Read::WantMore)
    return std::exchange(tls_after_, TlsEngine::Read::WantMore);
  TlsEngine::Read r = tls_->read(plain);
  if (r != TlsEngine::Read::Data) return r;
  std::string more;
  while (plain.size() < kTlsBatchBytes) {
    TlsEngine::Read next = tls_->read(more);
    if (next != TlsEngine::Read::Data) {
      tls_after_ = next;
      break;
    }
    plain.append(more);
  }
  return r;
}

void SocketTransport::onSocketData(std::string_view bytes) {
  if (tls_) {
    tls_->feed(bytes);
  } else if (handler_ != nullptr && !paused_ && held_.empty()) {
    deliver(bytes);  // the common case: no copy
    return;
  } else {
    held_.append(bytes);
  }
  drain();
}

void SocketTransport::onSocketEnd(int status) {
  peer_ended_ = true;
  if (status != UV_EOF) {
    Kind kind = status == UV_ECONNRESET || status == UV_EPIPE ? Kind::Reset : Kind::Closed;
    end_error_ = std::make_unique<TransportError>(
        TransportError{kind, label_ + ": connection lost: " + uv_strerror(status)});
  }
  drain();
}

void SocketTransport::onSocketDrained() {
  if (open_ && handler_ != nullptr) handler_->onTransportWritable();
}

void SocketTransport::finish(const TransportError* error) {
  Handler* h = handler_;
  TransportError copy = error != nullptr ? *error : TransportError{Kind::Closed, ""};
  open_ = false;
  handler_ = nullptr;
  drain_timer_.stop();
  socket_->close();
  if (h != nullptr) h->onTransportClosed(error != nullptr ? &copy : nullptr);
}

}  // namespace relay
