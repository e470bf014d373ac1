// Failure handling against real servers: retries, backpressure, cancel, resets, timeouts.
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "upstream_test_env.h"

using namespace relay;
using namespace relay::test;

TEST_CASE("a pooled connection found dead before any response byte is retried once") {
  auto& server = NodeUpstream::get();
  ClientLoop cl;
  size_t mark = server.mark();
  RecordingHandler first, second;
  // /arm-kill answers normally, then the server drops that connection on its next request.
  auto a = cl.client->send(cl.request(httpUrl(server.plainPort(), "/arm-kill")), &first);
  REQUIRE(runUntil(&cl.loop, [&] { return first.done(); }));
  REQUIRE(first.complete);
  auto b = cl.client->send(cl.request(httpUrl(server.plainPort(), "/hello")), &second);
  REQUIRE(runUntil(&cl.loop, [&] { return second.done(); }));
  REQUIRE_FALSE(second.error.has_value());
  CHECK(second.body == "hello over 1.1");
  CHECK(server.events(mark, {"\"killed\"", "\"path\":\"/hello\""}).size() == 1);
  CHECK(server.events(mark, {"\"connection\"", "\"server\":\"plain\""}).size() == 2);
}

void idleFor(uv_loop_t* loop, int ms) {
  runUntil(
      loop, [] { return false; }, ms);
}

void checkSlowConsumerPausesUpstream(uint16_t port, const char* path, bool tls) {
  auto& server = NodeUpstream::get();
  ClientLoop cl;
  size_t mark = server.mark();
  RecordingHandler h;
  size_t received = 0;
  bool paused = false;
  h.on_data = [&](std::string_view bytes) {
    received += bytes.size();
    h.body.clear();  // keep the test's own memory flat
    if (received == bytes.size()) paused = true;
    return received != bytes.size();  // pause after the first chunk
  };
  std::string url = tls ? httpsUrl(port, path) : httpUrl(port, path);
  auto call = cl.client->send(cl.request(url), &h);
  REQUIRE(runUntil(&cl.loop, [&] { return paused; }));
  // Paused: once socket buffers and the stream window are full the server must stall
  // (no further progress), not keep writing into our memory.
  idleFor(&cl.loop, 500);
  size_t progress = server.events(mark, {"\"big_progress\""}).size();
  idleFor(&cl.loop, 700);
  CHECK(server.events(mark, {"\"big_progress\""}).size() == progress);
  CHECK(server.events(mark, {"\"big_done\""}).empty());
  CHECK(received < 1024 * 1024);
  call->resume();
  REQUIRE(runUntil(
      &cl.loop, [&] { return h.done(); }, 20000));
  REQUIRE(h.complete);
  CHECK(received == (tls ? 16u : 64u) * 1024 * 1024);
  // The server logs big_done after its last write; the event can trail the bytes we read.
  CHECK(waitForEvent(&cl.loop, mark, {"\"big_done\""}));
  CHECK(server.events(mark, {"\"big_done\""}).size() == 1);
}

TEST_CASE("a slow consumer pauses the upstream (HTTP/2 flow control, HTTP/1.1 reads)") {
  checkSlowConsumerPausesUpstream(NodeUpstream::get().h2Port(), "/big-h2", true);
  checkSlowConsumerPausesUpstream(NodeUpstream::get().plainPort(), "/big-h1", false);
}

TEST_CASE("cancel mid-stream resets the HTTP/2 stream and closes the HTTP/1.1 connection") {
  auto& server = NodeUpstream::get();
  for (uint16_t port : {server.h2Port(), server.h1TlsPort()}) {
    ClientLoop cl;
    size_t mark = server.mark();
    RecordingHandler h;
    std::unique_ptr<UpstreamCall> call;
    h.on_data = [&](std::string_view) {
      call->cancel();
      return true;
    };
    call = cl.client->send(cl.request(httpsUrl(port, "/forever")), &h);
    REQUIRE(runUntil(&cl.loop, [&] { return !h.chunks.empty(); }));
    bool h2 = port == server.h2Port();
    INFO("protocol: ", call->protocol());
    REQUIRE(waitForEvent(&cl.loop, mark, {"\"aborted\"", "\"path\":\"/forever\""}));
    auto aborted = server.events(mark, {"\"aborted\"", "\"path\":\"/forever\""});
    if (h2) CHECK(aborted[0].find("\"rst\":8") != std::string::npos);  // RST_STREAM(CANCEL)
    idleFor(&cl.loop, 100);
    CHECK(h.chunks.size() == 1);  // no callbacks after cancel
    CHECK_FALSE(h.done());
  }
}

TEST_CASE("an upstream killed mid-body is an error, never a normal end") {
  auto& server = NodeUpstream::get();
  for (uint16_t port : {server.h2Port(), server.h1TlsPort()}) {
    ClientLoop cl;
    RecordingHandler h;
    auto call = cl.client->send(cl.request(httpsUrl(port, "/die")), &h);
    REQUIRE(runUntil(&cl.loop, [&] { return h.done(); }));
    CHECK_FALSE(h.complete);
    REQUIRE(h.error.has_value());
    CHECK(h.error->kind == UpstreamError::Kind::Reset);
    CHECK(h.error->response_started);
    CHECK(h.body == "partial");
    CHECK(h.error->message.find("account test-account: GET https://127.0.0.1:") == 0);
  }
}

TEST_CASE("response headers timeout and body idle timeout") {
  auto& server = NodeUpstream::get();
  ClientLoop cl;
  RecordingHandler slow, idle;
  UpstreamRequest a = cl.request(httpsUrl(server.h2Port(), "/slow-headers?key=secret"));
  a.timeouts.response_headers_ms = 200;
  UpstreamRequest b = cl.request(httpUrl(server.plainPort(), "/idle"));
  b.timeouts.body_idle_ms = 200;
  auto c1 = cl.client->send(std::move(a), &slow);
  auto c2 = cl.client->send(std::move(b), &idle);
  REQUIRE(runUntil(&cl.loop, [&] { return slow.done() && idle.done(); }));
  REQUIRE(slow.error.has_value());
  CHECK(slow.error->kind == UpstreamError::Kind::TimeoutHeaders);
  CHECK_FALSE(slow.error->response_started);
  CHECK(slow.error->message.find("secret") == std::string::npos);
  REQUIRE(idle.error.has_value());
  CHECK(idle.error->kind == UpstreamError::Kind::TimeoutIdle);
  CHECK(idle.error->response_started);
  CHECK(idle.body == "first");
}

// One watchdog serves both limits: bytes that keep coming within the idle limit move its
// deadline, and a headers limit longer than the idle limit still gets its whole time.
TEST_CASE("a stream that keeps sending outlives the idle limit; the headers limit is whole") {
  auto& server = NodeUpstream::get();
  ClientLoop cl;
  RecordingHandler ticking, slow;
  UpstreamRequest a = cl.request(httpUrl(server.plainPort(), "/forever"));
  a.timeouts.body_idle_ms = 150;  // a tick every 20 ms
  UpstreamRequest b = cl.request(httpUrl(server.plainPort(), "/slow-headers"));
  b.timeouts.response_headers_ms = 500;
  b.timeouts.body_idle_ms = 100;
  uv_update_time(&cl.loop);
  uint64_t t0 = uv_now(&cl.loop);
  auto c1 = cl.client->send(std::move(a), &ticking);
  auto c2 = cl.client->send(std::move(b), &slow);
  REQUIRE(runUntil(&cl.loop, [&] { return slow.done(); }));
  uint64_t waited = uv_now(&cl.loop) - t0;
  REQUIRE(slow.error.has_value());
  CHECK(slow.error->kind == UpstreamError::Kind::TimeoutHeaders);
  CHECK(waited >= 490);
  CHECK(slow.error->message.find("within 500 ms") != std::string::npos);
  // Half a second of ticks, more than three idle limits: the ticking stream is still open.
  CHECK_FALSE(ticking.done());
  CHECK(ticking.body.find("data: tick") != std::string::npos);
  c1->cancel();
}

TEST_CASE("connection refused is a connect error") {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  REQUIRE(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0);
  REQUIRE(getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
  close(fd);  // bound, never listening, now closed: nothing accepts on this port
  ClientLoop cl;
  RecordingHandler h;
  auto call = cl.client->send(cl.request(httpUrl(ntohs(addr.sin_port), "/x")), &h);
  REQUIRE(runUntil(&cl.loop, [&] { return h.done(); }));
  REQUIRE(h.error.has_value());
  CHECK(h.error->kind == UpstreamError::Kind::Connect);
  CHECK_FALSE(h.error->response_started);
}

TEST_CASE("an invalid URL is reported on the loop, not inside send()") {
  ClientLoop cl;
  RecordingHandler h;
  auto call = cl.client->send(cl.request("ftp://example.com/"), &h);
  CHECK_FALSE(h.done());
  REQUIRE(runUntil(&cl.loop, [&] { return h.done(); }));
  REQUIRE(h.error.has_value());
  CHECK(h.error->message.find("http:// or https://") != std::string::npos);
}

TEST_CASE("a header value with CR, LF or NUL is refused before anything is sent") {
  auto& server = NodeUpstream::get();
  const std::string bad_values[] = {"ok\r\nx-injected: 1", "a\nb", std::string("a\0b", 3)};
  for (const std::string& value : bad_values) {
    ClientLoop cl;
    RecordingHandler h;
    UpstreamRequest r = cl.request(httpUrl(server.plainPort(), "/hello"));
    r.headers.add("x-from-plugin", value);
    auto call = cl.client->send(std::move(r), &h);
    CHECK_FALSE(h.done());  // reported from the loop
    REQUIRE(runUntil(&cl.loop, [&] { return h.done(); }));
    REQUIRE(h.error.has_value());
    CHECK(h.error->kind == UpstreamError::Kind::Protocol);
    CHECK(h.error->message.find("header 'x-from-plugin' has a CR, LF or NUL in its value; "
                                "the request was not sent") != std::string::npos);
    CHECK_FALSE(h.complete);
  }
  // The same request with a clean value is served (the refusal above is the check, not the server).
  ClientLoop cl;
  RecordingHandler ok;
  UpstreamRequest r = cl.request(httpUrl(server.plainPort(), "/hello"));
  r.headers.add("x-from-plugin", "fine\tvalue");
  auto call = cl.client->send(std::move(r), &ok);
  REQUIRE(runUntil(&cl.loop, [&] { return ok.done(); }));
  CHECK(ok.complete);
}

TEST_CASE("response headers over 64 KiB fail the exchange (HTTP/1.1 and HTTP/2)") {
  auto& server = NodeUpstream::get();
  for (const std::string& url :
       {httpUrl(server.plainPort(), "/huge-headers"), httpsUrl(server.h2Port(), "/huge-headers")}) {
    CAPTURE(url);
    ClientLoop cl;
    RecordingHandler h;
    auto call = cl.client->send(cl.request(url), &h);
    REQUIRE(runUntil(&cl.loop, [&] { return h.done(); }));
    REQUIRE(h.error.has_value());
    CAPTURE(h.error->message);
    CHECK(h.error->kind == UpstreamError::Kind::Protocol);
    CHECK(h.error->message.find("response headers larger than 65536 bytes") != std::string::npos);
    CHECK(h.status == 0);
  }
}

TEST_CASE("a gzip bomb fails once the body expands past the limit") {
  auto& server = NodeUpstream::get();
  ClientLoop cl;
  RecordingHandler h;
  auto call = cl.client->send(cl.request(httpUrl(server.plainPort(), "/gzip-bomb")), &h);
  REQUIRE(runUntil(&cl.loop, [&] { return h.done(); }));
  REQUIRE(h.error.has_value());
  CHECK(h.error->message.find("expands more than 200 times") != std::string::npos);
  CHECK(h.body.size() < 16u * 1024 * 1024);
}

// The client keeps parsed URLs for reuse, at most 64: URLs that vary per request still work,
// while earlier calls hold theirs.
TEST_CASE("more distinct URLs than the client caches are all served, in flight or not") {
  auto& server = NodeUpstream::get();
  ClientLoop cl;
  std::vector<std::unique_ptr<RecordingHandler>> handlers;
  std::vector<std::unique_ptr<UpstreamCall>> calls;
  for (int i = 0; i < 150; ++i) {
    handlers.push_back(std::make_unique<RecordingHandler>());
    std::string url = httpUrl(server.plainPort(), "/hello?n=" + std::to_string(i));
    calls.push_back(cl.client->send(cl.request(url), handlers.back().get()));
    if (i % 2 == 1)  // every other call finishes before the next starts
      REQUIRE(runUntil(&cl.loop, [&] { return handlers.back()->done(); }));
  }
  REQUIRE(runUntil(&cl.loop, [&] {
    for (const auto& h : handlers)
      if (!h->done()) return false;
    return true;
  }));
  for (const auto& h : handlers) {
    REQUIRE_FALSE(h->error.has_value());
    CHECK(h->body == "hello over 1.1");
  }
  auto bad = std::make_unique<RecordingHandler>();
  auto call = cl.client->send(cl.request("http://[::1/x"), bad.get());
  REQUIRE(runUntil(&cl.loop, [&] { return bad->done(); }));
  CHECK(bad->error.has_value());
}
