#include "core/net/connect/tcp_socket.h"

#include <memory>
#include <utility>

#include "core/net/read_activity.h"

namespace relay {

struct TcpSocket::Handle {
  uv_tcp_t tcp;
  uv_connect_t connect_req;
  TcpSocket* owner = nullptr;  // null once the owner closed
  std::function<void(int)> on_connect;
  size_t pending_bytes = 0;
};

struct TcpSocket::WriteRequest {
  uv_write_t req;
  std::string bytes;
  Handle* handle;
};

namespace {
// libuv calls read right after alloc on the same thread, so one buffer per thread is enough and
// idle connections hold no read memory. Allocated at the thread's first read: a thread_local
// array would be static TLS, zeroed (64 KB resident) in every thread the process starts, also
// in those that never read an upstream socket (store, control loop, joiner).
constexpr size_t kReadBufferBytes = 64 * 1024;
thread_local std::unique_ptr<char[]> read_buffer;

char* threadReadBuffer() {
  if (!read_buffer) read_buffer.reset(new char[kReadBufferBytes]);  // not zeroed: untouched
  return read_buffer.get();
}
}  // namespace

TcpSocket::TcpSocket(uv_loop_t* loop, size_t low_water_bytes)
    : handle_(new Handle), low_water_bytes_(low_water_bytes) {
  uv_tcp_init(loop, &handle_->tcp);
  handle_->tcp.data = handle_;
  handle_->owner = this;
}

TcpSocket::~TcpSocket() {
  close();
}

void TcpSocket::close() {
  if (handle_ == nullptr) return;
  Handle* h = handle_;
  handle_ = nullptr;
  events_ = nullptr;
  h->owner = nullptr;
  h->on_connect = nullptr;
  uv_close(reinterpret_cast<uv_handle_t*>(&h->tcp),
           [](uv_handle_t* uvh) { delete static_cast<Handle*>(uvh->data); });
}

int TcpSocket::connect(const sockaddr* address, std::function<void(int)> done) {
  handle_->on_connect = std::move(done);
  int rc = uv_tcp_connect(&handle_->connect_req, &handle_->tcp, address, onConnect);
  if (rc < 0) handle_->on_connect = nullptr;
  return rc;
}

void TcpSocket::onConnect(uv_connect_t* req, int status) {
  auto* h = static_cast<Handle*>(req->handle->data);
  if (h->owner == nullptr || !h->on_connect) return;
  std::function<void(int)> done = std::move(h->on_connect);
  h->on_connect = nullptr;
  done(status);
}

void TcpSocket::setNoDelay() {
  if (handle_ != nullptr) uv_tcp_nodelay(&handle_->tcp, 1);
}

int TcpSocket::startReading() {
  if (handle_ == nullptr) return UV_EBADF;
  int rc = uv_read_start(reinterpret_cast<uv_stream_t*>(&handle_->tcp), onAlloc, onRead);
  return rc == UV_EALREADY ? 0 : rc;
}

void TcpSocket::stopReading() {
  if (handle_ != nullptr) uv_read_stop(reinterpret_cast<uv_stream_t*>(&handle_->tcp));
}

void TcpSocket::onAlloc(uv_handle_t*, size_t, uv_buf_t* buf) {
  noteSocketRead();
  *buf = uv_buf_init(threadReadBuffer(), kReadBufferBytes);
}

void TcpSocket::onRead(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf) {
  auto* h = static_cast<Handle*>(stream->data);
  TcpSocket* self = h->owner;
  if (self == nullptr || nread == 0) return;
  if (nread < 0) {
    uv_read_stop(stream);
    self->reportEnd(static_cast<int>(nread));
    return;
  }
  if (self->events_ != nullptr) {
    self->events_->onSocketData(std::string_view(buf->base, static_cast<size_t>(nread)));
  }
}

void TcpSocket::reportEnd(int status) {
  if (ended_) return;
  ended_ = true;
  if (events_ != nullptr) events_->onSocketEnd(status);
}

void TcpSocket::write(std::string_view first, std::string_view second) {
  if (handle_ == nullptr || first.size() + second.size() == 0) return;
  uv_buf_t bufs[2];
  unsigned n = 0;
  for (std::string_view part : {first, second})
    if (!part.empty())
      bufs[n++] = uv_buf_init(const_cast<char*>(part.data()), static_cast<unsigned>(part.size()));
  auto* stream = reinterpret_cast<uv_stream_t*>(&handle_->tcp);
  size_t written = 0;
  if (handle_->pending_bytes == 0) {
    // EAGAIN (socket full, or still connecting) and real errors both fall through to uv_write,
    // whose callback reports the error the usual way.
    int rc = uv_try_write(stream, bufs, n);
    if (rc > 0) written = static_cast<size_t>(rc);
    if (written == first.size() + second.size()) return;
  }
  auto* wr = new WriteRequest{{}, {}, handle_};
  wr->bytes.reserve(first.size() + second.size() - written);
  for (std::string_view part : {first, second}) {
    if (written >= part.size()) {
      written -= part.size();
      continue;
    }
    wr->bytes.append(part.substr(written));
    written = 0;
  }
  wr->req.data = wr;
  uv_buf_t buf = uv_buf_init(wr->bytes.data(), static_cast<unsigned>(wr->bytes.size()));
  int rc = uv_write(&wr->req, stream, &buf, 1, onWrite);
  if (rc < 0) {
    // The read side reports the broken connection; nothing was queued.
    delete wr;
    return;
  }
  handle_->pending_bytes += wr->bytes.size();
  if (handle_->pending_bytes > low_water_bytes_) above_low_water_ = true;
}

void TcpSocket::onWrite(uv_write_t* req, int status) {
  auto* wr = static_cast<WriteRequest*>(req->data);
  Handle* h = wr->handle;
  h->pending_bytes -= wr->bytes.size();
  delete wr;
  TcpSocket* self = h->owner;
  if (self == nullptr) return;
  if (status < 0) {
    if (status != UV_ECANCELED) self->reportEnd(status);
    return;
  }
  if (self->above_low_water_ && h->pending_bytes <= self->low_water_bytes_) {
    self->above_low_water_ = false;
    if (self->events_ != nullptr) self->events_->onSocketDrained();
  }
}

size_t TcpSocket::pendingBytes() const {
  return handle_ == nullptr ? 0 : handle_->pending_bytes;
}

}  // namespace relay
