// The downstream connection's request bodies: a body that arrives whole in one read is a view
// into the read block the owner lent (handed to the request, never copied); split, chunked and
// pipelined bodies arrive whole and in order, and no later read overwrites a kept body.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <uv.h>

#include <memory>
#include <string>
#include <vector>

#include "core/loop/deferred_deleter.h"
#include "core/net/http1_server_conn.h"
#include "core/net/upstream/header_rules.h"

namespace relay {
namespace {

struct Kept {
  Request req;
  bool in_block = false;
  const char* block = nullptr;  // the block the owner lent for the read the request ended in
};

// Keeps each request (and so any read block it holds) in the test, then answers at once.
class KeepAndAnswer final : public ActiveStream {
 public:
  KeepAndAnswer(Request&& req, ResponseSink& sink, std::vector<Kept>& kept, const char* block)
      : sink_(sink) {
    kept.push_back(Kept{std::move(req), false, block});
    kept.back().in_block = kept.back().req.body.inReadBlock();
  }
  void start() override {
    Headers h;
    sink_.begin(200, h, 2);
    sink_.write("ok");
    sink_.end();
  }
  void onStreamFinished(const StreamStats&) override {}

 private:
  ResponseSink& sink_;
};

// Lends read blocks as a worker does.
class LendingOwner final : public ConnectionOwner, public RequestHandler {
 public:
  explicit LendingOwner(uv_loop_t* loop) : deleter_(loop) {
    limits_.max_request_bytes = 1024 * 1024;
  }
  const HttpServerLimits& limits() const override { return limits_; }
  RequestHandler& handler() override { return *this; }
  DeferredDeleter& deleter() override { return deleter_; }
  bool draining() const override { return false; }
  void onConnectionClosed(Http1ServerConnection*) override { closed = true; }
  char* readBuffer(size_t* size) override {
    if (!block_) block_ = ReadBlock::take();
    *size = ReadBlock::kSize;
    lent = block_.data();
    return block_.data();
  }
  ReadBlock takeReadBlock() override { return std::move(block_); }
  std::unique_ptr<ActiveStream> createStream(Request&& req, ResponseSink& sink) override {
    return std::make_unique<KeepAndAnswer>(std::move(req), sink, kept, lent);
  }

  bool closed = false;
  const char* lent = nullptr;
  std::vector<Kept> kept;
  DeferredDeleter deleter_;

 private:
  HttpServerLimits limits_;
  ReadBlock block_;
};

struct Loop {
  Loop() { uv_loop_init(&loop); }
  uv_loop_t loop;
};

class Fixture : private Loop {
 public:
  Fixture() : owner(&loop) {
    REQUIRE(socketpair(AF_UNIX, SOCK_STREAM, 0, fds_) == 0);
    fcntl(fds_[1], F_SETFL, O_NONBLOCK);
    int buf = 1024 * 1024;
    setsockopt(fds_[1], SOL_SOCKET, SO_SNDBUF, &buf, sizeof(buf));
    setsockopt(fds_[0], SOL_SOCKET, SO_RCVBUF, &buf, sizeof(buf));
    conn_ = new Http1ServerConnection(&loop, owner);
    REQUIRE(uv_tcp_open(conn_->tcp(), fds_[0]) == 0);
    conn_->start();
  }
  ~Fixture() {
    if (!owner.closed) conn_->close();
    owner.deleter_.drain();
    owner.deleter_.close();
    while (uv_run(&loop, UV_RUN_NOWAIT) != 0) {
    }
    owner.kept.clear();
    close(fds_[1]);
    uv_loop_close(&loop);
  }

  // Writes `bytes` (one read for the connection, as far as the socket goes) and runs the loop.
  void send(const std::string& bytes) {
    REQUIRE(write(fds_[1], bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size()));
    for (int i = 0; i < 8; ++i) uv_run(&loop, UV_RUN_NOWAIT);
    char chunk[4096];
    ssize_t n;
    while ((n = read(fds_[1], chunk, sizeof chunk)) > 0)
      answers.append(chunk, static_cast<size_t>(n));
  }

  LendingOwner owner;
  std::string answers;

 private:
  int fds_[2];
  Http1ServerConnection* conn_;
};

std::string post(const std::string& body) {
  return "POST /v1/messages HTTP/1.1\r\nHost: x\r\ncontent-type: "
         "application/json\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\n\r\n" + body;
}

std::string bodyOf(char c, size_t n) {
  return "{\"k\":\"" + std::string(n, c) + "\"}";
}

}  // namespace

TEST_CASE_FIXTURE(Fixture, "a body that arrives whole in one read is the read block, not a copy") {
  std::string body = bodyOf('a', 20000);
  send(post(body));
  REQUIRE(owner.kept.size() == 1);
  const Kept& k = owner.kept[0];
  CHECK(k.in_block);
  CHECK(k.req.body == body);
  // The view points into the block the read went into.
  CHECK(k.req.body.data() > k.block);
  CHECK(k.req.body.data() + k.req.body.size() <= k.block + ReadBlock::kSize);
  const char* first_block = k.block;  // `k` dangles once `kept` grows
  // The next read goes into another block: the kept body is not overwritten.
  std::string second = bodyOf('b', 20000);
  send(post(second));
  REQUIRE(owner.kept.size() == 2);
  CHECK(owner.kept[1].block != first_block);
  CHECK(owner.kept[0].req.body == body);
  CHECK(owner.kept[1].req.body == second);
}

TEST_CASE_FIXTURE(Fixture, "a body split over two reads is whole in the request's own buffer") {
  std::string body = bodyOf('s', 30000);
  std::string bytes = post(body);
  size_t cut = bytes.size() - 10000;
  send(bytes.substr(0, cut));
  CHECK(owner.kept.empty());
  send(bytes.substr(cut));
  REQUIRE(owner.kept.size() == 1);
  CHECK_FALSE(owner.kept[0].in_block);
  CHECK(owner.kept[0].req.body == body);
}

TEST_CASE_FIXTURE(Fixture, "pipelined requests in one read: every body whole, none lost") {
  std::string a = bodyOf('a', 3000), b = bodyOf('b', 5000), c = bodyOf('c', 7000);
  // The third request's body is cut: its rest comes in a later read.
  std::string bytes = post(a) + post(b) + post(c);
  send(bytes.substr(0, bytes.size() - 2000));
  send(bytes.substr(bytes.size() - 2000));
  for (int i = 0; i < 4 && owner.kept.size() < 3; ++i) send("");
  REQUIRE(owner.kept.size() == 3);
  CHECK(owner.kept[0].in_block);  // the first one's body was in the read; the rest were copied
  CHECK(owner.kept[0].req.body == a);
  CHECK(owner.kept[1].req.body == b);
  CHECK(owner.kept[2].req.body == c);
  CHECK(answers.find("HTTP/1.1 200") != std::string::npos);
}

TEST_CASE_FIXTURE(Fixture, "a chunked body is put together in the request's own buffer") {
  std::string head = "POST /v1/messages HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
  send(head + "5\r\n{\"k\":\r\n3\r\n12}\r\n0\r\n\r\n");
  REQUIRE(owner.kept.size() == 1);
  CHECK_FALSE(owner.kept[0].in_block);
  CHECK(owner.kept[0].req.body == "{\"k\":12}");
}

TEST_CASE_FIXTURE(Fixture, "a request without a body holds no read block") {
  send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
  REQUIRE(owner.kept.size() == 1);
  CHECK_FALSE(owner.kept[0].in_block);
  CHECK(owner.kept[0].req.body.empty());
}

TEST_CASE_FIXTURE(Fixture, "headers as llhttp read them are verified, a name with a space is not") {
  // Each header on its own: a flag set for one name is not taken for the next.
  send("GET /health HTTP/1.1\r\nHost: x\r\nX y: 1\r\nx-folded: a\r\n b\r\n\r\n");
  send("GET /health HTTP/1.1\r\nHost: x\r\nx-ok: 1\r\nX z: 2\r\n\r\n");
  REQUIRE(owner.kept.size() == 2);
  const std::vector<Header>& first = owner.kept[0].req.headers.all();
  REQUIRE(first.size() == 3);
  CHECK(first[0].verified);
  CHECK_FALSE(first[1].verified);  // llhttp lets a space through in a name
  CHECK(first[2].verified);
  CHECK(first[2].value.find_first_of("\r\n") == std::string::npos);  // the fold came joined
  CHECK(unsafeRequestHead("GET", owner.kept[0].req.headers) ==
        "a header name is not an HTTP token");
  const std::vector<Header>& second = owner.kept[1].req.headers.all();
  REQUIRE(second.size() == 3);
  CHECK(second[1].verified);
  CHECK_FALSE(second[2].verified);
}

}  // namespace relay
