// URL parsing, header rules and body decoding on their own.
#include <doctest/doctest.h>
#include <zlib.h>

#include "core/http/header_list_pool.h"
#include "core/net/upstream/body_batch.h"
#include "core/net/upstream/body_decoder.h"
#include "core/net/upstream/header_rules.h"
#include "core/net/upstream/upstream_request.h"
#include "core/net/upstream/upstream_url.h"
#include "core/net/write_buffer_pool.h"
#include "core/net/write_cork.h"

using namespace relay;

TEST_CASE("UpstreamRequest::reset: every member as a new request has it, string memory kept") {
  UpstreamRequest r;
  r.method = "POST";
  r.url = "https://api.example.com/v1/messages";
  r.headers.add("x-api-key", "sk-test");
  r.body.assign(4096, 'b');
  r.body_ref = std::string_view("borrowed");
  r.proxy = ProxyConfig{"socks5", "127.0.0.1", 1080, "", ""};
  r.ca_file = "/etc/ca.pem";
  r.timeouts.connect_ms = 1;
  r.timeouts.tls_handshake_ms = 2;
  r.timeouts.response_headers_ms = 3;
  r.timeouts.body_idle_ms = 4;
  r.account_id = "acct";
  size_t body_capacity = r.body.capacity();
  r.reset();
  const UpstreamRequest fresh;
  CHECK(r.method == fresh.method);
  CHECK(r.url.empty());
  CHECK(r.headers.size() == 0);
  CHECK(r.body.empty());
  CHECK(r.body.capacity() == body_capacity);  // the next attempt writes into the same memory
  CHECK_FALSE(r.body_ref.has_value());
  CHECK_FALSE(r.proxy.has_value());
  CHECK(r.ca_file.empty());
  CHECK(r.timeouts.connect_ms == fresh.timeouts.connect_ms);
  CHECK(r.timeouts.tls_handshake_ms == fresh.timeouts.tls_handshake_ms);
  CHECK(r.timeouts.response_headers_ms == fresh.timeouts.response_headers_ms);
  CHECK(r.timeouts.body_idle_ms == fresh.timeouts.body_idle_ms);
  CHECK(r.account_id.empty());
  CHECK(r.bodyBytes().empty());
}

TEST_CASE("parseUpstreamUrl") {
  std::string err;
  auto u = parseUpstreamUrl("https://api.example.com/v1/messages?beta=true", &err);
  REQUIRE(u);
  CHECK(u->tls);
  CHECK(u->host == "api.example.com");
  CHECK(u->port == 443);
  CHECK(u->path == "/v1/messages?beta=true");
  CHECK(u->authority() == "api.example.com");
  CHECK(u->redacted() == "https://api.example.com/v1/messages");
  auto v = parseUpstreamUrl("http://[::1]:8080", &err);
  REQUIRE(v);
  CHECK(v->host == "::1");
  CHECK(v->port == 8080);
  CHECK(v->path == "/");
  CHECK(v->authority() == "[::1]:8080");
  CHECK_FALSE(parseUpstreamUrl("ftp://x/", &err));
  CHECK_FALSE(parseUpstreamUrl("http://h:99999/", &err));
  CHECK(err == "invalid port");
  CHECK_FALSE(parseUpstreamUrl("https://user:pw@h/", &err));
}

TEST_CASE("parseUpstreamUrl refuses spaces and control characters (request line injection)") {
  std::string err;
  CHECK_FALSE(parseUpstreamUrl("https://h/v1/messages HTTP/1.1\r\nx-injected: 1", &err));
  CHECK(err == "URL contains a space or control character");
  CHECK_FALSE(parseUpstreamUrl("https://h/a\nb", &err));
  CHECK_FALSE(parseUpstreamUrl(std::string("https://h/a\0b", 13), &err));
  CHECK_FALSE(parseUpstreamUrl("https://h\r/", &err));
  CHECK(parseUpstreamUrl("https://h/a%20b?q=1", &err));
}

TEST_CASE("unsafeRequestHead: only headers not verified when read are scanned") {
  Headers h;
  h.add("content-type", "application/json");
  h.all().back().verified = true;  // as the client connection read it
  CHECK(unsafeRequestHead("POST", h).empty());
  // Added by a plugin or a filter: checked, whatever the client's headers were.
  h.add("x-added", "a\r\nInjected: 1");
  CHECK(unsafeRequestHead("POST", h) == "header 'x-added' has a CR, LF or NUL in its value");
  Headers name;
  name.add("bad name", "v");
  CHECK(unsafeRequestHead("POST", name) == "a header name is not an HTTP token");
  // A list refilled in place (header_list_pool.h) does not keep an element's flag.
  HeaderListFill fill(std::move(h.all()));
  fill.add("x-added", "a\r\nInjected: 1");
  Headers refilled;
  refilled.all() = fill.finish();
  REQUIRE(refilled.size() == 1);
  CHECK_FALSE(refilled.all()[0].verified);
  CHECK_FALSE(unsafeRequestHead("POST", refilled).empty());
}

TEST_CASE("unsafeRequestHead: CR, LF, NUL in values; names and methods must be tokens") {
  Headers ok;
  ok.add("x-api-key", "abc");
  ok.add("x-note", "tabs\tand \x80 obs-text are fine");
  CHECK(unsafeRequestHead("POST", ok).empty());
  for (const std::string& value :
       {std::string("a\rb"), std::string("a\nb"), std::string("a\0b", 3)}) {
    Headers bad = ok;
    bad.add("x-from-config", value);
    CHECK(unsafeRequestHead("POST", bad) ==
          "header 'x-from-config' has a CR, LF or NUL in its value");
  }
  // Values are scanned eight bytes at a time: a bad byte at any position of a long value,
  // in a block or in the tail, is found; bytes near CR and LF are not mistaken for them.
  for (char c : {'\r', '\n', '\0'}) {
    for (size_t at = 0; at < 27; ++at) {
      std::string value(27, 'v');
      value[at] = c;
      Headers bad;
      bad.add("x-long", value);
      CHECK_FALSE(unsafeRequestHead("POST", bad).empty());
    }
  }
  // Every length up to three blocks, every position: short values, whole blocks, and the tail
  // read as the eight bytes that end the value.
  for (size_t len = 1; len <= 24; ++len) {
    Headers clean;
    clean.add("x-len", std::string(len, 'v'));
    CHECK(unsafeRequestHead("POST", clean).empty());
    for (size_t at = 0; at < len; ++at) {
      for (char c : {'\r', '\n', '\0'}) {
        std::string value(len, 'v');
        value[at] = c;
        Headers bad;
        bad.add("x-len", value);
        CHECK_FALSE(unsafeRequestHead("POST", bad).empty());
      }
    }
  }
  Headers near;
  near.add("x-near", std::string("\x0c\x0b\x0e\x01\x8d\x8a\x80\xff\t\x1f abcdefghijklmnop"));
  CHECK(unsafeRequestHead("POST", near).empty());
  Headers bad_name;
  bad_name.add("x-a\r\nx-b", "v");
  CHECK(unsafeRequestHead("POST", bad_name) == "a header name is not an HTTP token");
  Headers empty_name;
  empty_name.add("", "v");
  CHECK_FALSE(unsafeRequestHead("GET", empty_name).empty());
  CHECK(unsafeRequestHead("GET / HTTP/1.1\r\n", ok) == "the method is not an HTTP token");
}

TEST_CASE("requestHeadersForUpstream strips hop-by-hop and forces identity encoding") {
  Headers in;
  in.add("Host", "relay.local");
  in.add("Connection", "X-Secret-Hop");
  in.add("X-Secret-Hop", "1");
  in.add("Keep-Alive", "timeout=5");
  in.add("Accept-Encoding", "gzip");
  in.add("Content-Length", "12");
  in.add("Authorization", "Bearer t");
  Headers out = requestHeadersForUpstream(in);
  CHECK(out.size() == 2);
  CHECK(*out.find("authorization") == "Bearer t");
  CHECK(*out.find("accept-encoding") == "identity");
  UpstreamUrl url{false, "h", 8080, "/p?q=1"};
  std::string head = serializeHttp1Request("POST", url, out, 3);
  CHECK(head.starts_with("POST /p?q=1 HTTP/1.1\r\nhost: h:8080\r\n"));
  CHECK(head.find("content-length: 3\r\n") != std::string::npos);
  CHECK(head.ends_with("\r\n\r\n"));
}

TEST_CASE("appendHttp1RequestHead writes the exact head after what the buffer holds") {
  Headers h;
  h.add("content-type", "application/json");
  h.add("X-Empty", "");
  h.add("anthropic-beta", std::string(300, 'b'));  // beyond any small-buffer size
  UpstreamUrl url{true, "::1", 8443, "/v1/messages?beta=true"};
  std::string out = "previous bytes|";
  appendHttp1RequestHead(out, "POST", url, h, 21);
  CHECK(out ==
        "previous bytes|POST /v1/messages?beta=true HTTP/1.1\r\nhost: [::1]:8443\r\n"
        "content-type: application/json\r\nX-Empty: \r\nanthropic-beta: " +
            std::string(300, 'b') + "\r\ncontent-length: 21\r\n\r\n");

  std::string get;
  appendHttp1RequestHead(get, "GET", UpstreamUrl{true, "h.example", 443, "/"}, Headers{}, 0);
  CHECK(get == "GET / HTTP/1.1\r\nhost: h.example\r\n\r\n");
  std::string post;
  appendHttp1RequestHead(post, "POST", UpstreamUrl{false, "h", 80, "/p"}, Headers{}, 0);
  CHECK(post == "POST /p HTTP/1.1\r\nhost: h\r\ncontent-length: 0\r\n\r\n");
}

TEST_CASE("stripResponseHopByHop") {
  Headers h;
  h.add("Transfer-Encoding", "chunked");
  h.add("Connection", "keep-alive, X-Conn-Only");
  h.add("X-Conn-Only", "1");
  h.add("Content-Type", "text/plain");
  stripResponseHopByHop(h);
  CHECK(h.size() == 1);
  CHECK(h.has("content-type"));
}

TEST_CASE("stripResponseHopByHop reads every name the Connection header lists, wherever it is") {
  Headers h;
  h.add("Keep-Alive", "timeout=5");  // hop-by-hop, ten bytes like Connection: not read as it
  h.add("X-Before", "1");            // listed by a Connection header that comes later
  h.add("Close", "kept");            // "close" is an option, not a header name
  h.add("X-Twice", "a");
  h.add("Connection", " ,X-Before ,\tx-twice\t, close,,X-After-Long-Header-Name-Beyond-SSO ");
  h.add("X-Twice", "b");
  h.add("x-after-long-header-name-beyond-sso", "2");
  h.add("Content-Type", "application/json");
  h.add("Upgrade", "h2c");
  stripResponseHopByHop(h);
  REQUIRE(h.size() == 2);
  CHECK(h.all()[0].name == "Close");
  CHECK(h.all()[1].name == "Content-Type");
}

TEST_CASE("stripResponseHopByHop with only Connection options keeps the other headers in order") {
  Headers h;
  h.add("Content-Type", "application/json");
  h.add("Connection", "keep-alive");
  h.add("Keep-Alive", "timeout=5");
  h.add("Content-Length", "2");
  h.add("Connection", "X-Second-Is-Not-Read");
  h.add("X-Second-Is-Not-Read", "1");
  stripResponseHopByHop(h);
  REQUIRE(h.size() == 3);
  CHECK(h.all()[0].name == "Content-Type");
  CHECK(h.all()[1].name == "Content-Length");
  CHECK(h.all()[2].name == "X-Second-Is-Not-Read");
}

TEST_CASE("requestHeadersForUpstream drops what the Connection header lists, wherever it is") {
  Headers in;
  in.add("X-Hop", "1");
  in.add("connection", "close, x-hop , X-Other-Hop");
  in.add("X-Other-Hop", "2");
  in.add("X-Kept", "3");
  Headers out = requestHeadersForUpstream(in);
  REQUIRE(out.size() == 2);
  CHECK(out.all()[0].name == "X-Kept");
  CHECK(*out.find("accept-encoding") == "identity");
}

std::string compress(const std::string& plain, int window_bits) {
  z_stream zs{};
  deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, window_bits, 8, Z_DEFAULT_STRATEGY);
  std::string out(compressBound(plain.size()) + 64, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(plain.data()));
  zs.avail_in = static_cast<uInt>(plain.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

TEST_CASE("BodyDecoder decodes gzip, zlib deflate and raw deflate, fed byte by byte") {
  std::string plain;
  for (int i = 0; i < 500; ++i) plain += "event " + std::to_string(i) + "\n";
  struct Case {
    const char* encoding;
    int bits;
  };
  for (Case c : {Case{"gzip", 16 + 15}, Case{"deflate", 15}, Case{"deflate", -15}}) {
    std::string packed = compress(plain, c.bits);
    auto dec = BodyDecoder::forEncoding(c.encoding);
    REQUIRE(dec);
    std::string out;
    for (char byte : packed) REQUIRE(dec->decode(std::string_view(&byte, 1), out));
    CHECK(out == plain);
    CHECK(dec->finished());
  }
  CHECK_FALSE(BodyDecoder::forEncoding("identity"));
  auto bad = BodyDecoder::forEncoding("gzip");
  std::string out;
  CHECK_FALSE(bad->decode("definitely not gzip", out));
  CHECK_FALSE(bad->error().empty());
}

TEST_CASE("header lists: a refill reuses the memory of a given-back list, in order") {
  if (!HeaderListPool::keeping()) return;  // AddressSanitizer: nothing is kept
  HeaderListPool& pool = HeaderListPool::local();
  pool.clear();
  HeaderListFill first(pool.take(HeadSide::Upstream));
  first.add("x-api-key", "sk-ant-api03-a-long-value-that-is-not-inline");
  first.add("anthropic-version", "2023-06-01");
  first.add("x-third", "three");
  std::vector<Header> sent = first.finish();
  REQUIRE(sent.size() == 3);
  const char* key_memory = sent[0].value.data();
  pool.give(HeadSide::Upstream, std::move(sent));
  CHECK(pool.spareCount() == 1);

  HeaderListFill second(pool.take(HeadSide::Upstream));
  second.add("x-api-key", "sk-ant-api03-another-long-value-here");
  second.add("content-type", "application/json");
  std::vector<Header> again = second.finish();
  REQUIRE(again.size() == 2);  // the third element of the old list is dropped
  CHECK(again[0].name == "x-api-key");
  CHECK(again[0].value == "sk-ant-api03-another-long-value-here");
  CHECK(again[0].value.data() == key_memory);  // assigned in place, not allocated
  CHECK(again[1].name == "content-type");
  CHECK(again[1].value == "application/json");

  for (size_t i = 0; i < HeaderListPool::kMaxKept + 3; ++i) {
    std::vector<Header> list(1);
    pool.give(HeadSide::Upstream, std::move(list));
  }
  CHECK(pool.spareCount() == HeaderListPool::kMaxKept);
  pool.clear();
}

TEST_CASE("BodyBatch joins the pieces of one read in order, copying only from the second") {
  WriteBufferPool& pool = WriteBufferPool::local();
  std::string one = "data: " + std::string(40, '1') + "\n\n";
  std::string two = "data: " + std::string(40, '2') + "\n\n";
  std::string three = "data: " + std::string(40, '3') + "\n\n";
  std::string read = one + two + three;
  std::string_view bytes(read);
  BodyBatch batch;
  CHECK(batch.empty());
  batch.add({});
  CHECK(batch.empty());
  // One piece: handed on where it lies, nothing copied.
  batch.add(bytes.substr(0, one.size()));
  CHECK(batch.view() == one);
  CHECK(batch.view().data() == read.data());
  batch.clear();
  CHECK(batch.empty());

  // Several pieces: one view of all of them, in order, in a buffer that outlives the read.
  batch.add(bytes.substr(0, one.size()));
  batch.add(bytes.substr(one.size(), two.size()));
  batch.add({});
  batch.add(bytes.substr(one.size() + two.size()));
  CHECK(batch.view() == read);
  CHECK(batch.view().data() != read.data());
  read.assign(read.size(), 'x');  // the read buffer is reused: the batch has its own copy
  CHECK(batch.view() == one + two + three);
  size_t spare = pool.spareCount();
  batch.clear();
  CHECK(batch.empty());
  CHECK(pool.spareCount() == spare + 1);  // the copy's memory went back to the pool

  // The next read starts afresh.
  batch.add(two);
  CHECK(batch.view() == two);
  CHECK(batch.view().data() == two.data());
  batch.clear();

  // Moved: the new owner has the pieces (and the copy buffer, not copied again); the old is empty.
  batch.add(one);
  batch.add(two);
  const char* copy = batch.view().data();
  BodyBatch taken(std::move(batch));
  CHECK(batch.empty());
  CHECK(taken.view() == one + two);
  CHECK(taken.view().data() == copy);
  batch.add(three);  // the old one is usable again
  CHECK(batch.view() == three);
  batch.clear();
  spare = pool.spareCount();
  taken.clear();
  CHECK(pool.spareCount() == spare + 1);
}

namespace {
struct CorkedWriter final : WriteCork::Writer {
  explicit CorkedWriter(std::vector<std::string>& log, std::string name)
      : log(log), name(std::move(name)) {}
  void write(std::string_view bytes) {
    if (WriteCork::active()) {
      queued.append(bytes);
      WriteCork::enlist(this);
    } else {
      log.push_back(name + ":" + std::string(bytes));
    }
  }
  void flushCorked() override {
    log.push_back(name + ":" + queued);
    queued.clear();
  }
  std::vector<std::string>& log;
  std::string name;
  std::string queued;
};
}  // namespace

TEST_CASE("WriteCork: writes made under it leave together when the outermost cork ends") {
  std::vector<std::string> log;
  CorkedWriter a(log, "a"), b(log, "b"), gone(log, "gone");
  CHECK_FALSE(WriteCork::active());
  a.write("at once");
  CHECK(log == std::vector<std::string>{"a:at once"});
  log.clear();
  {
    WriteCork cork;
    CHECK(WriteCork::active());
    a.write("event 1;");
    gone.write("never sent");
    b.write("other;");
    {
      WriteCork inner;  // nested: only the outermost sends
      a.write("event 2;");
    }
    CHECK(log.empty());
    a.write("end");
    WriteCork::withdraw(&gone);  // a writer that goes away before the cork ends
  }
  CHECK_FALSE(WriteCork::active());
  // One write per writer, in the order they first wrote, each holding all its bytes in order.
  CHECK(log == std::vector<std::string>{"a:event 1;event 2;end", "b:other;"});
  log.clear();
  a.write("after");
  CHECK(log == std::vector<std::string>{"a:after"});
}
