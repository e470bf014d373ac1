// The upstream client against real HTTP/2, HTTPS HTTP/1.1 and plain HTTP servers (Node.js).
#include <doctest/doctest.h>

#include "upstream_test_env.h"

using namespace relay;
using namespace relay::test;

TEST_CASE("HTTPS upstream offering h2 is spoken to in HTTP/2, chosen by ALPN") {
  auto& server = NodeUpstream::get();
  ClientLoop cl;
  size_t mark = server.mark();
  RecordingHandler h;
  auto call = cl.client->send(cl.request(httpsUrl(server.h2Port(), "/hello")), &h);
  REQUIRE(runUntil(&cl.loop, [&] { return h.done(); }));
  REQUIRE_FALSE(h.error.has_value());
  CHECK(h.status == 200);
  CHECK(h.body == "hello over 2.0");
  CHECK(call->protocol() == "h2");
  CHECK(*h.headers.find("x-upstream") == "node");
  auto seen = server.events(mark, {"\"request\"", "\"path\":\"/hello\"", "\"version\":\"2.0\""});
  CHECK(seen.size() == 1);
  CHECK(seen[0].find("\"accept_encoding\":\"identity\"") != std::string::npos);
}

TEST_CASE("HTTPS upstream offering only http/1.1 is spoken to in HTTP/1.1") {
  auto& server = NodeUpstream::get();
  ClientLoop cl;
  size_t mark = server.mark();
  RecordingHandler h;
  auto call = cl.client->send(cl.request(httpsUrl(server.h1TlsPort(), "/hello")), &h);
  REQUIRE(runUntil(&cl.loop, [&] { return h.done(); }));
  REQUIRE_FALSE(h.error.has_value());
  CHECK(h.body == "hello over 1.1");
  CHECK(call->protocol() == "http/1.1");
  CHECK(
      server.events(mark, {"\"request\"", "\"server\":\"h1tls\"", "\"version\":\"1.1\""}).size() ==
      1);
}

TEST_CASE("plain http: content-length and chunked bodies, client headers cleaned") {
  auto& server = NodeUpstream::get();
  ClientLoop cl;
  RecordingHandler fixed, chunked, echo;
  auto a = cl.client->send(cl.request(httpUrl(server.plainPort(), "/hello")), &fixed);
  auto b = cl.client->send(cl.request(httpUrl(server.plainPort(), "/chunked")), &chunked);
  UpstreamRequest post = cl.request(httpUrl(server.plainPort(), "/echo"));
  post.method = "POST";
  post.body = "{\"q\":1}";
  post.headers.add("Accept-Encoding", "gzip, br");
  post.headers.add("Connection", "keep-alive, X-Private");
  post.headers.add("X-Private", "hop");
  post.headers.add("TE", "trailers");
  post.headers.add("X-Keep", "end-to-end");
  auto c = cl.client->send(std::move(post), &echo);
  REQUIRE(runUntil(&cl.loop, [&] { return fixed.done() && chunked.done() && echo.done(); }));
  CHECK(fixed.body == "hello over 1.1");
  CHECK(chunked.complete);
  CHECK(chunked.body == "part1-part2-part3");
  CHECK_FALSE(chunked.headers.has("transfer-encoding"));  // hop-by-hop, stripped
  REQUIRE(echo.complete);
  CHECK(echo.body.find("\"method\":\"POST\"") != std::string::npos);
  CHECK(echo.body.find("\"body\":\"{\\\"q\\\":1}\"") != std::string::npos);
  CHECK(echo.body.find("\"accept-encoding\":\"identity\"") != std::string::npos);
  CHECK(echo.body.find("\"x-keep\":\"end-to-end\"") != std::string::npos);
  CHECK(echo.body.find("x-private") == std::string::npos);
  CHECK(echo.body.find("\"te\"") == std::string::npos);
}

// More than a socket takes at once: the part written at once and the queued rest arrive in
// order, over plain TCP, TLS and HTTP/2, from memory the caller lends (body_ref) or owns.
TEST_CASE("a request body of several MB reaches the upstream intact, borrowed or owned") {
  auto& server = NodeUpstream::get();
  std::string big;
  big.reserve(6u << 20);
  for (unsigned i = 0; big.size() < (6u << 20); ++i) big += "piece " + std::to_string(i) + "; ";
  const std::string urls[] = {httpUrl(server.plainPort(), "/echo"),
                              httpsUrl(server.h1TlsPort(), "/echo"),
                              httpsUrl(server.h2Port(), "/echo")};
  for (const std::string& url : urls) {
    for (bool borrowed : {true, false}) {
      CAPTURE(url);
      CAPTURE(borrowed);
      ClientLoop cl;
      RecordingHandler echo;
      UpstreamRequest post = cl.request(url);
      post.method = "POST";
      post.timeouts.response_headers_ms = 30000;
      if (borrowed)
        post.body_ref = std::string_view(big);
      else
        post.body = big;
      auto call = cl.client->send(std::move(post), &echo);
      REQUIRE(runUntil(
          &cl.loop, [&] { return echo.done(); }, 30000));
      REQUIRE(echo.complete);
      CHECK(echo.body.find("\"body\":\"" + big + "\"") != std::string::npos);
    }
  }
}

TEST_CASE("an HTTP/1.1 head in pieces: each header whole, an empty value kept, 1xx dropped") {
  auto& server = NodeUpstream::get();
  ClientLoop cl;
  RecordingHandler h;
  auto call = cl.client->send(cl.request(httpUrl(server.plainPort(), "/split-head")), &h);
  REQUIRE(runUntil(&cl.loop, [&] { return h.done(); }));
  REQUIRE(h.complete);
  CHECK(h.status == 200);
  CHECK(h.body == "ok");
  REQUIRE(h.headers.size() == 3);
  CHECK(h.headers.all()[0].name == "x-empty");
  CHECK(h.headers.all()[0].value.empty());
  CHECK(h.headers.all()[1].name == "X-Split-Name");
  CHECK(h.headers.all()[1].value == "value-in-pieces");
  CHECK(h.headers.all()[2].name == "content-length");
  CHECK_FALSE(h.headers.has("x-info"));  // the informational answer's header
}

TEST_CASE("a close-delimited HTTP/1.1 body ends cleanly at EOF") {
  auto& server = NodeUpstream::get();
  ClientLoop cl;
  RecordingHandler h;
  auto call = cl.client->send(cl.request(httpUrl(server.plainPort(), "/close-delimited")), &h);
  REQUIRE(runUntil(&cl.loop, [&] { return h.done(); }));
  REQUIRE_FALSE(h.error.has_value());
  CHECK(h.body == "until-eof");
}

TEST_CASE("HEAD responses have no body even with a content-length") {
  auto& server = NodeUpstream::get();
  ClientLoop cl;
  RecordingHandler head, after;
  UpstreamRequest req = cl.request(httpUrl(server.plainPort(), "/hello"));
  req.method = "HEAD";
  auto a = cl.client->send(std::move(req), &head);
  REQUIRE(runUntil(&cl.loop, [&] { return head.done(); }));
  CHECK(head.complete);
  CHECK(head.body.empty());
  // The connection is still in sync: the next request on it gets its own body.
  auto b = cl.client->send(cl.request(httpUrl(server.plainPort(), "/hello")), &after);
  REQUIRE(runUntil(&cl.loop, [&] { return after.done(); }));
  CHECK(after.body == "hello over 1.1");
}

void checkSseStreamsEventByEvent(uint16_t port, std::string_view proto) {
  auto& server = NodeUpstream::get();
  ClientLoop cl;
  size_t mark = server.mark();
  RecordingHandler sse, release;
  std::unique_ptr<UpstreamCall> release_call;
  // The server sends the second event only after /release arrives, which this handler sends
  // when it has seen the first: a client that buffered would deadlock here.
  sse.on_data = [&](std::string_view bytes) {
    if (bytes.find("data: one") != std::string_view::npos && !release_call) {
      CHECK(server.events(mark, {"\"sse_sent\"", "\"n\":2"}).empty());
      release_call = cl.client->send(cl.request(httpsUrl(port, "/release")), &release);
    }
    return true;
  };
  auto call = cl.client->send(cl.request(httpsUrl(port, "/sse")), &sse);
  REQUIRE(runUntil(&cl.loop, [&] { return sse.done() && release.done(); }));
  REQUIRE(sse.complete);
  CHECK(call->protocol() == proto);
  CHECK(sse.chunks.front() == "data: one\n\n");
  CHECK(sse.body == "data: one\n\ndata: two\n\n");
  CHECK(*sse.headers.find("content-type") == "text/event-stream");
}

TEST_CASE("SSE is delivered event by event over HTTP/2 and HTTP/1.1") {
  checkSseStreamsEventByEvent(NodeUpstream::get().h2Port(), "h2");
  checkSseStreamsEventByEvent(NodeUpstream::get().h1TlsPort(), "http/1.1");
}

TEST_CASE("HTTP/1.1: the events of one read are handed on together, none waits for later ones") {
  auto& server = NodeUpstream::get();
  ClientLoop cl;
  size_t mark = server.mark();
  RecordingHandler sse, release;
  std::unique_ptr<UpstreamCall> release_call;
  // The first three events arrive in one read: one piece. The fourth is sent only after
  // /release, which this handler sends once it has the first three.
  sse.on_data = [&](std::string_view) {
    if (!release_call) {
      CHECK(server.events(mark, {"\"sse_sent\"", "\"n\":4"}).empty());
      release_call = cl.client->send(cl.request(httpUrl(server.plainPort(), "/release")), &release);
    }
    return true;
  };
  auto call = cl.client->send(cl.request(httpUrl(server.plainPort(), "/sse-burst")), &sse);
  REQUIRE(runUntil(&cl.loop, [&] { return sse.done() && release.done(); }));
  REQUIRE(sse.complete);
  REQUIRE(sse.chunks.size() == 2);
  CHECK(sse.chunks[0] == "data: one\n\ndata: two\n\ndata: three\n\n");
  CHECK(sse.chunks[1] == "data: four\n\n");
}

TEST_CASE("HTTP/2: the DATA frames of one read are handed on together, none waits for later ones") {
  auto& server = NodeUpstream::get();
  ClientLoop cl;
  RecordingHandler sse;
  // The server writes HEADERS and three DATA frames in one TLS record, the fourth 100 ms later.
  auto call = cl.client->send(cl.request(httpsUrl(server.h2FramesPort(), "/frames")), &sse);
  REQUIRE(runUntil(&cl.loop, [&] { return sse.done(); }));
  REQUIRE(sse.complete);
  CHECK(call->protocol() == "h2");
  CHECK(sse.status == 200);
  REQUIRE(sse.chunks.size() == 2);  // one per frame would be four
  CHECK(sse.chunks[0] == "data: one\n\ndata: two\n\ndata: three\n\n");
  CHECK(sse.chunks[1] == "data: four\n\n");
}

TEST_CASE("keep-alive: two sequential HTTP/1.1 requests share one connection") {
  auto& server = NodeUpstream::get();
  ClientLoop cl;
  size_t mark = server.mark();
  for (int i = 0; i < 2; ++i) {
    RecordingHandler h;
    auto call = cl.client->send(cl.request(httpUrl(server.plainPort(), "/hello")), &h);
    REQUIRE(runUntil(&cl.loop, [&] { return h.done(); }));
    CHECK(h.complete);
  }
  CHECK(server.events(mark, {"\"connection\"", "\"server\":\"plain\""}).size() == 1);
  CHECK(server.events(mark, {"\"request\"", "\"server\":\"plain\""}).size() == 2);
  CHECK(cl.client->connectionCount() == 1);
}

TEST_CASE("keep-alive: a repeated target reuses its pool, another CA file or host gets its own") {
  auto& server = NodeUpstream::get();
  ClientLoop cl;
  size_t mark = server.mark();
  auto run = [&](std::string url, std::string ca_file) {
    UpstreamRequest req = cl.request(std::move(url));
    req.ca_file = std::move(ca_file);
    RecordingHandler h;
    auto call = cl.client->send(std::move(req), &h);
    REQUIRE(runUntil(&cl.loop, [&] { return h.done(); }));
    CHECK(h.complete);
    CHECK(h.status == 200);
  };
  run(httpUrl(server.plainPort(), "/hello"), "");
  run(httpUrl(server.plainPort(), "/hello"), "");
  CHECK(cl.client->connectionCount() == 1);
  run(httpUrl(server.plainPort(), "/hello"), "/nonexistent/extra-ca.pem");  // a pool of its own
  CHECK(cl.client->connectionCount() == 2);
  run(httpUrl(server.plainPort(), "/hello?again"), "");  // another URL to the first pool
  run(httpUrl(server.plainPort(), "/hello"), "");
  CHECK(cl.client->connectionCount() == 2);
  std::string other = "http://localhost:" + std::to_string(server.plainPort()) + "/hello";
  run(other, "");  // another host name: its own pool
  CHECK(cl.client->connectionCount() == 3);
  CHECK(server.events(mark, {"\"connection\"", "\"server\":\"plain\""}).size() == 3);
  CHECK(server.events(mark, {"\"request\"", "\"server\":\"plain\""}).size() == 6);
}

TEST_CASE("HTTP/2: concurrent requests are multiplexed on one connection") {
  auto& server = NodeUpstream::get();
  ClientLoop cl;
  size_t mark = server.mark();
  RecordingHandler h[5];
  std::vector<std::unique_ptr<UpstreamCall>> calls;
  for (auto& one : h)
    calls.push_back(cl.client->send(cl.request(httpsUrl(server.h2Port(), "/hello")), &one));
  REQUIRE(runUntil(&cl.loop, [&] {
    for (auto& one : h)
      if (!one.done()) return false;
    return true;
  }));
  for (auto& one : h) CHECK(one.body == "hello over 2.0");
  CHECK(server.events(mark, {"\"connection\"", "\"server\":\"h2\""}).size() == 1);
}

TEST_CASE("a gzip body sent despite accept-encoding identity is decoded") {
  auto& server = NodeUpstream::get();
  std::string expected;
  for (int i = 0; i < 2000; ++i) expected += "compressed payload ";
  for (uint16_t port : {server.h2Port(), server.h1TlsPort()}) {
    ClientLoop cl;
    RecordingHandler h;
    auto call = cl.client->send(cl.request(httpsUrl(port, "/gzip")), &h);
    REQUIRE(runUntil(&cl.loop, [&] { return h.done(); }));
    REQUIRE(h.complete);
    CHECK(h.body == expected);
    CHECK_FALSE(h.headers.has("content-encoding"));
    CHECK_FALSE(h.headers.has("content-length"));
  }
}

TEST_CASE("HTTP/2 GOAWAY: the answered stream completes, later requests use a new connection") {
  auto& server = NodeUpstream::get();
  ClientLoop cl;
  size_t mark = server.mark();
  RecordingHandler first, second;
  auto a = cl.client->send(cl.request(httpsUrl(server.h2Port(), "/goaway")), &first);
  REQUIRE(runUntil(&cl.loop, [&] { return first.done(); }));
  REQUIRE(first.complete);
  CHECK(first.body == "going away");
  REQUIRE(runUntil(&cl.loop, [&] { return cl.client->connectionCount() == 0; }));
  auto b = cl.client->send(cl.request(httpsUrl(server.h2Port(), "/hello")), &second);
  REQUIRE(runUntil(&cl.loop, [&] { return second.done(); }));
  REQUIRE(second.complete);
  CHECK(second.body == "hello over 2.0");
  CHECK(server.events(mark, {"\"connection\"", "\"server\":\"h2\""}).size() == 2);
}

TEST_CASE("keep-alive: a burst of HTTP/1.1 requests keeps its connections for the next burst") {
  // Answers finish together under load; a pool keeping fewer idle connections than the burst
  // closes the rest, and the next burst dials them again (a connect per request at saturation).
  auto& server = NodeUpstream::get();
  ClientLoop cl;
  size_t mark = server.mark();
  constexpr int kBurst = 24;
  for (int round = 0; round < 2; ++round) {
    RecordingHandler h[kBurst];
    std::vector<std::unique_ptr<UpstreamCall>> calls;
    for (auto& one : h)
      calls.push_back(cl.client->send(cl.request(httpUrl(server.plainPort(), "/hello")), &one));
    REQUIRE(runUntil(&cl.loop, [&] {
      for (auto& one : h)
        if (!one.done()) return false;
      return true;
    }));
    for (auto& one : h) CHECK(one.complete);
  }
  CHECK(server.events(mark, {"\"request\"", "\"server\":\"plain\""}).size() == 2 * kBurst);
  CHECK(server.events(mark, {"\"connection\"", "\"server\":\"plain\""}).size() == kBurst);
  CHECK(cl.client->connectionCount() == kBurst);
}

// Idle connections are kept on a list, not scanned: at most max_idle_connections stay, and one
// pool timer closes those idle longer than idle_timeout_ms while fresher ones stay.
TEST_CASE("keep-alive: idle connections beyond the limit close; idle ones expire oldest first") {
  auto& server = NodeUpstream::get();
  ClientLoop cl;
  UpstreamClientOptions options;
  options.pool.max_idle_connections = 3;
  options.pool.idle_timeout_ms = 300;
  cl.client.emplace(&cl.loop, options);
  size_t mark = server.mark();
  auto burst = [&](int n) {
    std::vector<std::unique_ptr<RecordingHandler>> h;
    std::vector<std::unique_ptr<UpstreamCall>> calls;
    for (int i = 0; i < n; ++i) {
      h.push_back(std::make_unique<RecordingHandler>());
      calls.push_back(
          cl.client->send(cl.request(httpUrl(server.plainPort(), "/hello")), h.back().get()));
    }
    REQUIRE(runUntil(&cl.loop, [&] {
      for (auto& one : h)
        if (!one->done()) return false;
      return true;
    }));
    for (auto& one : h) CHECK(one->complete);
  };
  burst(5);  // five connections at once; three stay idle
  REQUIRE(runUntil(&cl.loop, [&] { return cl.client->connectionCount() == 3; }));
  burst(3);  // served by the idle three: no new connection
  CHECK(server.events(mark, {"\"connection\"", "\"server\":\"plain\""}).size() == 5);
  // 150 ms later one request refreshes one connection; at 300 ms the other two expire.
  runUntil(
      &cl.loop, [] { return false; }, 150);
  burst(1);
  REQUIRE(runUntil(
      &cl.loop, [&] { return cl.client->connectionCount() == 1; }, 2000));
  burst(1);  // the refreshed one serves it
  CHECK(server.events(mark, {"\"connection\"", "\"server\":\"plain\""}).size() == 5);
  REQUIRE(runUntil(
      &cl.loop, [&] { return cl.client->connectionCount() == 0; }, 2000));
}
