// libFuzzer target: the downstream HTTP/1.1 request side (llhttp callbacks, limits, pipelining,
// chunked bodies, keep-alive) of Http1ServerConnection. No network: the connection reads from
// one end of a local socketpair while the fuzzer writes the input into the other end; every
// request is answered at once with a small body, so pipelined requests are parsed too.
#include <sys/socket.h>
#include <unistd.h>
#include <uv.h>

#include <fcntl.h>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>

#include "core/loop/deferred_deleter.h"
#include "core/net/http1_server_conn.h"

namespace {

using namespace relay;

class AnswerAtOnce final : public ActiveStream {
 public:
  AnswerAtOnce(Request&& req, ResponseSink& sink) : req_(std::move(req)), sink_(sink) {}
  void start() override {
    std::string body =
        req_.method + " " + std::string(req_.path()) + " " + std::to_string(req_.body.size());
    Headers h;
    h.add("content-type", "text/plain");
    sink_.begin(200, h, body.size());
    sink_.write(body);
    sink_.end();
  }
  void onStreamFinished(const StreamStats&) override {}

 private:
  Request req_;
  ResponseSink& sink_;
};

class FuzzOwner final : public ConnectionOwner, public RequestHandler {
 public:
  explicit FuzzOwner(uv_loop_t* loop) : deleter_(loop) {
    limits_.max_header_bytes = 8 * 1024;
    limits_.max_request_bytes = 64 * 1024;
  }
  const HttpServerLimits& limits() const override { return limits_; }
  RequestHandler& handler() override { return *this; }
  DeferredDeleter& deleter() override { return deleter_; }
  bool draining() const override { return false; }
  void onConnectionClosed(Http1ServerConnection*) override { closed = true; }
  // Lends read blocks as a worker does, so bodies that arrive whole are views into them.
  char* readBuffer(size_t* size) override {
    if (!block_) block_ = ReadBlock::take();
    *size = ReadBlock::kSize;
    return block_.data();
  }
  ReadBlock takeReadBlock() override { return std::move(block_); }
  std::unique_ptr<ActiveStream> createStream(Request&& req, ResponseSink& sink) override {
    return std::make_unique<AnswerAtOnce>(std::move(req), sink);
  }

  bool closed = false;
  DeferredDeleter deleter_;

 private:
  HttpServerLimits limits_;
  ReadBlock block_;
};

uv_loop_t* sharedLoop() {
  static uv_loop_t* loop = [] {
    auto* l = new uv_loop_t;
    uv_loop_init(l);
    return l;
  }();
  return loop;
}

void drain(int fd) {
  char sink[16 * 1024];
  while (read(fd, sink, sizeof(sink)) > 0) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 128 * 1024) return 0;  // more than the socket buffers take without a reader
  uv_loop_t* loop = sharedLoop();
  int fds[2];
  if (socketpair(AF_UNIX, SOCK_STREAM, 0, fds) != 0) abort();
  fcntl(fds[1], F_SETFL, O_NONBLOCK);
  int buf = 512 * 1024;
  setsockopt(fds[1], SOL_SOCKET, SO_SNDBUF, &buf, sizeof(buf));

  auto owner = std::make_unique<FuzzOwner>(loop);
  auto* conn = new Http1ServerConnection(loop, *owner);  // deletes itself once closed
  if (uv_tcp_open(conn->tcp(), fds[0]) != 0) abort();
  conn->start();

  size_t sent = 0;
  for (int round = 0; round < 64 && !owner->closed; ++round) {
    if (sent < size) {
      ssize_t n = write(fds[1], data + sent, size - sent);
      if (n > 0) sent += static_cast<size_t>(n);
    }
    uv_run(loop, UV_RUN_NOWAIT);
    drain(fds[1]);
  }
  if (!owner->closed) conn->close();
  owner->deleter_.drain();
  owner->deleter_.close();
  while (uv_run(loop, UV_RUN_NOWAIT) != 0) {
  }
  close(fds[1]);
  return 0;
}
