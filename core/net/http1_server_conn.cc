#include "core/net/http1_server_conn.h"

#include <algorithm>
#include <cstring>

#include "core/formats/error_render.h"
#include "core/http/head_writer.h"
#include "core/http/header_list_pool.h"
#include "core/http/request_storage_pool.h"
#include "core/http/status_text.h"
#include "core/net/read_activity.h"

namespace relay {

namespace {

constexpr uint64_t kLingerMs = 2000;
constexpr size_t kMaxPipelinedBytes = 1024 * 1024;
constexpr uint64_t kBodyReserveCap = 64 * 1024;
constexpr size_t kExpectedHeaders = 16;

Http1ServerConnection* self(llhttp_t* p) {
  return static_cast<Http1ServerConnection*>(p->data);
}

// A queue this large is written at once rather than at the end of the loop's I/O phase.
constexpr size_t kFlushNowBytes = 64 * 1024;
// Set while a flush callback runs: a check or prepare handle started then would only run after
// the next poll, which may block, so bytes queued meanwhile (by a writer woken from there) are
// written at once instead.
thread_local bool t_in_flush_check = false;

// "<size in hex>\r\n" into out (24 bytes at least); its length. Written for every chunk of a
// streamed answer (each SSE event): snprintf cost more than the rest of the write.
size_t chunkSizeLine(size_t size, char* out) {
  char digits[16];
  size_t n = 0;
  do {
    digits[n++] = "0123456789abcdef"[size & 0xF];
    size >>= 4;
  } while (size != 0);
  for (size_t i = 0; i < n; ++i) out[i] = digits[n - 1 - i];
  out[n] = '\r';
  out[n + 1] = '\n';
  return n + 2;
}

}  // namespace

Http1ServerConnection::Http1ServerConnection(uv_loop_t* loop, ConnectionOwner& owner)
    : loop_(loop), owner_(owner) {
  uv_tcp_init(loop_, &tcp_);
  uv_timer_init(loop_, &timer_);
  uv_timer_init(loop_, &resume_timer_);
  uv_check_init(loop_, &flush_check_);
  uv_prepare_init(loop_, &flush_prepare_);
  open_handles_ = 5;
  tcp_.data = this;
  timer_.data = this;
  resume_timer_.data = this;
  flush_check_.data = this;
  flush_prepare_.data = this;
  llhttp_init(&parser_, HTTP_REQUEST, &parserSettings());
  parser_.data = this;
}

const llhttp_settings_t& Http1ServerConnection::parserSettings() {
  static const llhttp_settings_t settings = [] {
    llhttp_settings_t s;
    llhttp_settings_init(&s);
    s.on_message_begin = &onMessageBegin;
    s.on_url = &onUrl;
    s.on_header_field = &onHeaderField;
    s.on_header_value = &onHeaderValue;
    s.on_header_value_complete = &onHeaderValueComplete;
    s.on_headers_complete = &onHeadersComplete;
    s.on_body = &onBody;
    s.on_message_complete = &onMessageComplete;
    return s;
  }();
  return settings;
}

Http1ServerConnection::~Http1ServerConnection() {
  WriteCork::withdraw(this);
  WriteBufferPool::local().give(out_);
  WriteBufferPool::local().give(inflight_);
}

void Http1ServerConnection::start() {
  uv_tcp_nodelay(&tcp_, 1);
  uv_read_start(reinterpret_cast<uv_stream_t*>(&tcp_), &onAlloc, &onRead);
  armTimer(owner_.limits().header_timeout_ms);
}

void Http1ServerConnection::refuse(int status, std::string_view message, int retry_after_seconds) {
  uv_tcp_nodelay(&tcp_, 1);
  close_after_response_ = true;
  std::string body = renderErrorBody(guessWireFormat("/"), status, message);  // no path read yet
  Headers h;
  h.add("content-type", "application/json");
  h.add("retry-after", std::to_string(retry_after_seconds));
  begin(status, h, body.size());
  write(body);
  end();
}

// The timer is moved only when the new deadline comes sooner than it is set to fire: a timer
// that fires early finds the deadline ahead and sleeps again for the rest. A request restarts
// its deadline three or more times (head, body chunks, idle); this keeps those to a store.
void Http1ServerConnection::armTimer(uint64_t ms) {
  if (closing_) return;
  deadline_ = uv_now(loop_) + ms;
  if (timer_due_ != 0 && timer_due_ <= deadline_) return;
  uv_timer_start(&timer_, &onTimer, ms, 0);
  timer_due_ = deadline_;
}

void Http1ServerConnection::disarmTimer() {
  deadline_ = kNoDeadline;  // a timer still set finds nothing due and is not set again
}

// ---- reading and parsing ----

void Http1ServerConnection::onAlloc(uv_handle_t* h, size_t, uv_buf_t* buf) {
  auto* c = static_cast<Http1ServerConnection*>(h->data);
  noteSocketRead();
  size_t size = 0;
  char* base = c->owner_.readBuffer(&size);
  *buf = uv_buf_init(base, static_cast<unsigned>(size));
}

void Http1ServerConnection::onRead(uv_stream_t* s, ssize_t n, const uv_buf_t* buf) {
  auto* c = static_cast<Http1ServerConnection*>(s->data);
  if (n < 0) {
    c->close();
    return;
  }
  if (n == 0 || c->closing_) return;
  if (c->close_when_flushed_) return;  // lingering: discard what the client still sends
  c->reading_block_ = true;
  c->parse(buf->base, static_cast<size_t>(n));
  c->reading_block_ = false;
}

void Http1ServerConnection::parse(const char* data, size_t len) {
  if (phase_ == Phase::Dispatched) {
    input_.append(data, len);
    if (input_.size() > kMaxPipelinedBytes) uv_read_stop(reinterpret_cast<uv_stream_t*>(&tcp_));
    return;
  }
  llhttp_errno_t err = llhttp_execute(&parser_, data, len);
  if (err == HPE_OK) {
    keepBodyBytes();  // the rest of the body comes in a later read, into the same block
    return;
  }
  if (err == HPE_PAUSED) {
    const char* pos = llhttp_get_error_pos(&parser_);
    size_t used = pos ? static_cast<size_t>(pos - data) : len;
    input_.assign(data + used, len - used);  // a pipelined request's bytes: copied, as they wait
    if (!body_in_read_.empty()) {
      // The whole body is in this read: the request takes the block it lies in, and the worker
      // reads on into another.
      ReadBlock block = reading_block_ ? owner_.takeReadBlock() : ReadBlock{};
      if (block.holds(body_in_read_.data(), body_in_read_.size())) {
        req_.body.adopt(std::move(block), body_in_read_);
        body_in_read_ = {};
      } else {
        keepBodyBytes();
      }
    }
    dispatch();
    return;
  }
  refuseParsed();
}

void Http1ServerConnection::refuseParsed() {
  body_in_read_ = {};
  if (error_status_ != 0) {
    protocolError(error_status_, error_message_);
  } else {
    std::string why = "malformed HTTP request: ";
    why += llhttp_get_error_reason(&parser_) ? llhttp_get_error_reason(&parser_) : "parse error";
    protocolError(400, why);
  }
}

int Http1ServerConnection::refuseWhileParsing(int status, const char* message) {
  error_status_ = status;
  error_message_ = message;
  return -1;
}

bool Http1ServerConnection::headTooLarge() {
  refuseWhileParsing(431, "request header fields too large");
  return false;
}

int Http1ServerConnection::onMessageBegin(llhttp_t* p) {
  auto* c = self(p);
  c->phase_ = Phase::Head;
  c->head_bytes_ = 1;
  c->max_header_bytes_ = c->owner_.limits().max_header_bytes;
  c->req_.reset();
  c->body_in_read_ = {};
  c->body_reserve_ = 0;
  // A list a finished request gave back: its headers are overwritten in place, so names and
  // values reuse their memory (see openHeader).
  std::vector<Header>& list = c->req_.headers.all();
  list = HeaderListPool::local().take(HeadSide::Downstream);
  if (list.capacity() < kExpectedHeaders) list.reserve(kExpectedHeaders);
  c->headers_used_ = 0;
  c->header_open_ = false;
  c->armTimer(c->owner_.limits().header_timeout_ms);
  return 0;
}

int Http1ServerConnection::onUrl(llhttp_t* p, const char* at, size_t len) {
  auto* c = self(p);
  if (!c->countHeadBytes(len)) return -1;
  c->req_.target.append(at, len);
  return 0;
}

int Http1ServerConnection::onHeaderField(llhttp_t* p, const char* at, size_t len) {
  auto* c = self(p);
  if (!c->countHeadBytes(len)) return -1;
  // Each header is built where it stays: llhttp may hand a name or value over in pieces (split
  // across reads), which append to the header opened by the name's first piece.
  if (!c->header_open_) c->openHeader();
  Header& h = c->req_.headers.all()[c->headers_used_ - 1];
  h.name.append(at, len);
  // llhttp refuses every byte a token may not hold in a name but the space, and CR, LF and NUL
  // in a value (an obsolete line fold reaches us without its CRLF).
  if (std::memchr(at, ' ', len) != nullptr) h.verified = false;
  return 0;
}

int Http1ServerConnection::onHeaderValue(llhttp_t* p, const char* at, size_t len) {
  auto* c = self(p);
  if (!c->countHeadBytes(len)) return -1;
  if (!c->header_open_) c->openHeader();  // llhttp names every header first; be safe all the same
  c->req_.headers.all()[c->headers_used_ - 1].value.append(at, len);
  return 0;
}

// The next header goes into the list's next element: one left by an earlier request keeps its
// strings' memory and is emptied; past those, a new one is added.
void Http1ServerConnection::openHeader() {
  Header& h = HeaderSpares::emptyAt(req_.headers.all(), headers_used_++);
  h.verified = true;  // until a piece of its name says otherwise
  header_open_ = true;
}

int Http1ServerConnection::onHeaderValueComplete(llhttp_t* p) {
  auto* c = self(p);
  if (!c->countHeadBytes(4)) return -1;
  c->header_open_ = false;
  // llhttp drops the whitespace before a value, not the whitespace after it, which is not part of
  // the value either (RFC 9110, 5.5): a key sent as "KEY " is KEY.
  if (c->headers_used_ > 0)
    trimTrailingWhitespace(c->req_.headers.all()[c->headers_used_ - 1].value);
  return 0;
}

// "http://host:port/path?query" -> "/path?query"; any other target stays as it is.
static void toOriginForm(std::string& target) {
  size_t scheme = startsWithIgnoreCase(target, "http://")    ? 7
                  : startsWithIgnoreCase(target, "https://") ? 8
                                                             : 0;
  if (scheme == 0) return;
  size_t path = target.find_first_of("/?", scheme);
  std::string origin(path == std::string::npos || target[path] == '?' ? "/" : "");
  if (path != std::string::npos) origin.append(target, path);
  target = std::move(origin);
}

int Http1ServerConnection::onHeadersComplete(llhttp_t* p) {
  auto* c = self(p);
  Request& r = c->req_;
  // What an earlier request left beyond these goes to the spares.
  HeaderSpares::keepTail(r.headers.all(), c->headers_used_);
  r.method = llhttp_method_name(static_cast<llhttp_method_t>(p->method));
  // The absolute form ("POST http://host/v1/messages"), which a server must accept (RFC 9112,
  // 3.2.2; a client configured with the relay as its HTTP proxy sends it): routes match paths.
  if (!r.target.empty() && r.target[0] != '/') toOriginForm(r.target);
  r.http_major = p->http_major;
  r.http_minor = p->http_minor;
  c->keep_alive_ = llhttp_should_keep_alive(p) != 0;
  c->phase_ = Phase::Body;
  c->armTimer(c->owner_.limits().body_idle_timeout_ms);  // restarted by every body chunk
  // One pass over the headers for what framing needs.
  size_t cl_count = 0;
  const std::string* first_cl = nullptr;
  bool conflicting_cl = false;
  bool has_te = false;
  const std::string* expect = nullptr;
  for (const auto& h : r.headers.all()) {
    if (equalsIgnoreCase(h.name, "content-length")) {
      if (++cl_count == 1)
        first_cl = &h.value;
      else if (h.value != *first_cl)
        conflicting_cl = true;
    } else if (equalsIgnoreCase(h.name, "transfer-encoding")) {
      has_te = true;
    } else if (expect == nullptr && equalsIgnoreCase(h.name, "expect")) {
      expect = &h.value;
    }
  }
  // Request smuggling guards (llhttp rejects most of these too; be explicit).
  if (cl_count > 0 && has_te)
    return c->refuseWhileParsing(400, "both Content-Length and Transfer-Encoding present");
  if (conflicting_cl) return c->refuseWhileParsing(400, "conflicting Content-Length headers");
  if (cl_count > 0 && p->content_length > c->owner_.limits().max_request_bytes)
    return c->refuseWhileParsing(413, "request body exceeds server.max_request_bytes");
  // A body that arrives in pieces gets room for all of it at once (keepBodyBytes), saving the
  // copies of growing it. Capped, so that a declared length alone reserves little.
  if (cl_count > 0 && p->content_length > 0)
    c->body_reserve_ = static_cast<size_t>(std::min<uint64_t>(p->content_length, kBodyReserveCap));
  if (expect && equalsIgnoreCase(*expect, "100-continue") && r.http_minor >= 1)
    c->queue("HTTP/1.1 100 Continue\r\n\r\n");
  if (p->upgrade) c->close_after_response_ = true;
  return 0;
}

int Http1ServerConnection::onBody(llhttp_t* p, const char* at, size_t len) {
  auto* c = self(p);
  size_t have = c->req_.body.size() + c->body_in_read_.size();
  if (have + len > c->owner_.limits().max_request_bytes)
    return c->refuseWhileParsing(413, "request body exceeds server.max_request_bytes");
  if (have == 0 && c->reading_block_) {
    c->body_in_read_ = std::string_view(at, len);  // left where it is while it may be all of it
  } else {
    c->keepBodyBytes();
    c->ownedBody(len).append(at, len);
  }
  c->armTimer(c->owner_.limits().body_idle_timeout_ms);
  return 0;
}

// The body bytes still in the read block move to the request's own buffer (the block is read
// into again, or does not hold them).
void Http1ServerConnection::keepBodyBytes() {
  if (body_in_read_.empty()) return;
  ownedBody(body_in_read_.size()).append(body_in_read_);
  body_in_read_ = {};
}

// The request's own buffer, with room for `more` bytes at least: when it is still empty, one an
// earlier request gave back (the chain gives it back when the exchange is over), with room for
// the declared length.
std::string& Http1ServerConnection::ownedBody(size_t more) {
  std::string& body = req_.body.owned();
  if (body.empty() && body.capacity() < more)
    body = RequestStoragePool::local().takeBody(std::max(body_reserve_, more));
  return body;
}

int Http1ServerConnection::onMessageComplete(llhttp_t* p) {
  auto* c = self(p);
  c->phase_ = Phase::Dispatched;
  c->disarmTimer();
  return HPE_PAUSED;
}

// ---- dispatch and response ----

void Http1ServerConnection::dispatch() {
  response_started_ = false;
  response_chunked_ = false;
  response_status_ = 0;
  body_bytes_sent_ = 0;
  head_request_ = req_.method == "HEAD";
  const std::string* upgrade = req_.headers.find("upgrade");
  if (upgrade && equalsIgnoreCase(*upgrade, "websocket")) {
    close_after_response_ = true;
    sendSimple(426, "WebSocket upgrade is not supported here; send the request as HTTP POST");
    return;
  }
  // req_ is left moved from (its strings and lists empty) until the next request's
  // onMessageBegin resets it: one reset per request, not two.
  stream_ = owner_.handler().createStream(std::move(req_), *this);
  stream_->start();
}

void Http1ServerConnection::begin(int status, const Headers& headers,
                                  std::optional<uint64_t> content_length) {
  if (closing_ || response_started_) return;
  response_started_ = true;
  response_status_ = status;
  bool http10 = parser_.http_major == 1 && parser_.http_minor == 0;
  bool bodyless =
      head_request_ || status == 204 || status == 304 || (status >= 100 && status < 200);
  if (!keep_alive_ || owner_.draining()) close_after_response_ = true;
  if (!content_length && !bodyless && http10) close_after_response_ = true;
  response_chunked_ = !content_length && !bodyless && !http10;

  // The head is written straight into the write queue's buffer, in room made once (one queue()
  // for all of it); it leaves with the first body bytes.
  if (closing_) return;
  if (out_.empty() && out_.capacity() <= 15) out_ = WriteBufferPool::local().take();
  std::string_view reason = statusText(status);
  constexpr size_t kFixedRoom = 9 + 20 + 1 + 2  // "HTTP/1.1 ", status, " ", CRLF
                                + 16 + 20 + 2   // content-length
                                + 28            // transfer-encoding: chunked
                                + 24            // connection: keep-alive (or close)
                                + 2;            // the blank line
  HeadWriter w(out_, kFixedRoom + reason.size() + HeadWriter::lineRoom(headers));
  w.put("HTTP/1.1 ").number(static_cast<uint64_t>(status < 0 ? 0 : status)).put(' ').put(reason);
  w.put("\r\n").headerLines(headers, [](const Header& h) {
    return isHopByHopHeader(h.name) || equalsIgnoreCase(h.name, "content-length");
  });
  if (content_length && status != 204 && status != 304)
    w.put("content-length: ").number(*content_length).put("\r\n");
  if (response_chunked_) w.put("transfer-encoding: chunked\r\n");
  if (close_after_response_)
    w.put("connection: close\r\n");
  else if (http10)
    w.put("connection: keep-alive\r\n");
  w.put("\r\n").finish();
  queue({});
}

bool Http1ServerConnection::write(std::string_view bytes) {
  if (closing_ || !response_started_) return !closing_;
  if (!bytes.empty() && !head_request_) writeBody(bytes);
  if (pendingWriteBytes() >= owner_.limits().write_high_water && !write_blocked_) {
    write_blocked_ = true;
    // A client that stops reading would hold its upstream stream forever: give it as long as
    // an upstream gets to go silent, then close.
    armTimer(owner_.limits().body_idle_timeout_ms);
  }
  return !write_blocked_;
}

void Http1ServerConnection::writeBody(std::string_view bytes) {
  body_bytes_sent_ += bytes.size();
  char size_line[24];
  std::string_view prefix, suffix;
  if (response_chunked_) {
    prefix = std::string_view(size_line, chunkSizeLine(bytes.size(), size_line));
    suffix = "\r\n";
  }
  // Body bytes leave at once (with the head when it is still queued): waiting for the end of
  // the loop's I/O phase would make each stream's event wait for every other stream's work.
  // Behind a write in flight they queue; its completion writes them. Under a cork (write_cork.h)
  // they queue until the bytes produced with them are there too.
  if (writing_) {
    queue(prefix, bytes, suffix);
  } else if (WriteCork::active()) {
    queue(prefix, bytes, suffix);
    WriteCork::enlist(this);
  } else {
    writeNow(prefix, bytes, suffix);
  }
}

void Http1ServerConnection::end() {
  if (closing_) return;
  if (!response_started_) begin(200, Headers{}, 0);
  if (response_chunked_) queue("0\r\n\r\n");
  // The answer leaves before the request's bookkeeping (metrics, access log, usage) runs.
  if (!flush()) return;  // the client is gone: close() finished the stream
  finishStream(true, false);
  afterResponse();
}

void Http1ServerConnection::abort() {
  if (closing_) return;
  // No terminating chunk: the client sees a truncated response, never a clean end.
  close_after_response_ = true;
  finishStream(false, false);
  afterResponse();
}

void Http1ServerConnection::finishStream(bool completed, bool client_gone) {
  writable_cb_ = nullptr;
  gone_cb_ = nullptr;
  if (!stream_) return;
  StreamStats stats{response_status_, body_bytes_sent_, completed, client_gone};
  auto s = std::move(stream_);
  s->onStreamFinished(stats);
  owner_.deleter().defer(std::move(s));
}

void Http1ServerConnection::afterResponse() {
  if (!flush()) return;  // the whole answer leaves now, usually in one write
  if (close_after_response_) {
    uv_read_stop(reinterpret_cast<uv_stream_t*>(&tcp_));
    close_when_flushed_ = true;
    uv_read_start(reinterpret_cast<uv_stream_t*>(&tcp_), &onAlloc, &onRead);
    if (pendingWriteBytes() == 0) closeWhenIdle();
    return;
  }
  resetForNextRequest();
  armTimer(owner_.limits().idle_timeout_ms);
  if (!input_.empty()) uv_timer_start(&resume_timer_, &onResumeTimer, 0, 0);
}

void Http1ServerConnection::resetForNextRequest() {
  phase_ = Phase::Idle;
  head_bytes_ = 0;
  error_status_ = 0;
  response_started_ = false;
  llhttp_resume(&parser_);
}

void Http1ServerConnection::onResumeTimer(uv_timer_t* t) {
  auto* c = static_cast<Http1ServerConnection*>(t->data);
  if (c->closing_ || c->phase_ == Phase::Dispatched || c->input_.empty()) return;
  std::string pending = std::move(c->input_);
  c->input_.clear();
  uv_read_start(reinterpret_cast<uv_stream_t*>(&c->tcp_), &onAlloc, &onRead);
  c->parse(pending.data(), pending.size());
}

void Http1ServerConnection::protocolError(int status, std::string_view message) {
  close_after_response_ = true;
  head_request_ = false;
  sendSimple(status, message);
}

void Http1ServerConnection::sendSimple(int status, std::string_view message) {
  std::string body = renderErrorBody(guessWireFormat(req_.path()), status, message);
  Headers h;
  h.add("content-type", "application/json");
  response_started_ = false;
  begin(status, h, body.size());
  write(body);
  end();
}

// ---- writing ----

void Http1ServerConnection::queue(std::string_view a, std::string_view b, std::string_view c) {
  if (closing_) return;
  if (out_.empty() && out_.capacity() <= 15) out_ = WriteBufferPool::local().take();
  out_.append(a).append(b).append(c);
  if (out_.size() >= kFlushNowBytes || t_in_flush_check) {
    flush();
    return;
  }
  uv_check_start(&flush_check_, &onFlushCheck);  // no-ops when already started
  uv_prepare_start(&flush_prepare_, &onFlushPrepare);
}

void Http1ServerConnection::writeNow(std::string_view a, std::string_view b, std::string_view c) {
  if (closing_) return;
  uv_check_stop(&flush_check_);
  uv_prepare_stop(&flush_prepare_);
  uv_buf_t bufs[4];
  unsigned n = 0;
  size_t total = 0;
  for (std::string_view part : {std::string_view(out_), a, b, c}) {
    if (part.empty()) continue;
    bufs[n++] = uv_buf_init(const_cast<char*>(part.data()), static_cast<unsigned>(part.size()));
    total += part.size();
  }
  int rc = uv_try_write(reinterpret_cast<uv_stream_t*>(&tcp_), bufs, n);
  if (rc == UV_EAGAIN) rc = 0;
  if (rc < 0) return close();
  if (static_cast<size_t>(rc) == total) {
    WriteBufferPool::local().give(out_);
    return;
  }
  // Keep what the socket did not take, in order, for a uv_write.
  std::string rest = WriteBufferPool::local().take();
  rest.reserve(total - static_cast<size_t>(rc));
  size_t skip = static_cast<size_t>(rc);
  for (unsigned i = 0; i < n; ++i) {
    if (skip >= bufs[i].len) {
      skip -= bufs[i].len;
      continue;
    }
    rest.append(bufs[i].base + skip, bufs[i].len - skip);
    skip = 0;
  }
  WriteBufferPool::local().give(out_);
  out_.swap(rest);
  startWrite(0);
}

bool Http1ServerConnection::flush() {
  uv_check_stop(&flush_check_);
  uv_prepare_stop(&flush_prepare_);
  if (closing_) return false;
  if (out_.empty() || writing_) return true;  // a write in flight flushes the rest when done
  uv_buf_t buf = uv_buf_init(out_.data(), static_cast<unsigned>(out_.size()));
  int rc = uv_try_write(reinterpret_cast<uv_stream_t*>(&tcp_), &buf, 1);
  if (rc == UV_EAGAIN) rc = 0;
  if (rc < 0) {
    close();
    return false;
  }
  if (static_cast<size_t>(rc) == out_.size()) {
    WriteBufferPool::local().give(out_);
    return true;
  }
  startWrite(static_cast<size_t>(rc));
  return !closing_;
}

void Http1ServerConnection::startWrite(size_t already_written) {
  inflight_.swap(out_);  // out_ is left empty: new bytes queue behind the write
  inflight_bytes_ = inflight_.size() - already_written;
  uv_buf_t buf =
      uv_buf_init(inflight_.data() + already_written, static_cast<unsigned>(inflight_bytes_));
  write_req_ = new uv_write_t;
  write_req_->data = this;
  int rc = uv_write(write_req_, reinterpret_cast<uv_stream_t*>(&tcp_), &buf, 1, &onWriteDone);
  if (rc != 0) {
    delete write_req_;
    write_req_ = nullptr;
    inflight_bytes_ = 0;
    WriteBufferPool::local().give(inflight_);
    close();
    return;
  }
  writing_ = true;
}

// Runs before the connection is freed, also when it closes with the write pending (ECANCELED).
void Http1ServerConnection::onWriteDone(uv_write_t* req, int status) {
  auto* c = static_cast<Http1ServerConnection*>(req->data);
  delete c->write_req_;
  c->write_req_ = nullptr;
  c->writing_ = false;
  c->inflight_bytes_ = 0;
  WriteBufferPool::local().give(c->inflight_);
  if (c->closing_) return;
  if (status < 0) {
    c->close();
    return;
  }
  if (!c->flush()) return;
  c->afterWriteProgress();
}

void Http1ServerConnection::onFlushCheck(uv_check_t* h) {
  static_cast<Http1ServerConnection*>(h->data)->flushFromLoop();
}

void Http1ServerConnection::onFlushPrepare(uv_prepare_t* h) {
  static_cast<Http1ServerConnection*>(h->data)->flushFromLoop();
}

void Http1ServerConnection::flushFromLoop() {
  bool outer = t_in_flush_check;
  t_in_flush_check = true;
  if (flush()) afterWriteProgress();
  t_in_flush_check = outer;
}

void Http1ServerConnection::flushCorked() {
  if (flush()) afterWriteProgress();
}

void Http1ServerConnection::afterWriteProgress() {
  if (closing_) return;
  if (write_blocked_ && pendingWriteBytes() <= owner_.limits().write_high_water / 2) {
    write_blocked_ = false;
    if (phase_ == Phase::Dispatched) disarmTimer();  // the client reads again
    if (auto cb = std::move(writable_cb_)) cb();
  }
  if (close_when_flushed_ && pendingWriteBytes() == 0 && !closing_) closeWhenIdle();
}

// ---- timers and closing ----

void Http1ServerConnection::onTimer(uv_timer_t* t) {
  auto* c = static_cast<Http1ServerConnection*>(t->data);
  c->timer_due_ = 0;
  if (c->closing_ || c->deadline_ == kNoDeadline) return;
  uint64_t now = uv_now(c->loop_);
  if (now < c->deadline_) {  // the deadline moved on since the timer was set
    uv_timer_start(&c->timer_, &onTimer, c->deadline_ - now, 0);
    c->timer_due_ = c->deadline_;
    return;
  }
  if (c->close_when_flushed_) {
    c->close();  // lingering ended
  } else if (c->phase_ == Phase::Head) {
    c->protocolError(408, "request not received in time");
  } else if (c->phase_ == Phase::Body) {
    c->protocolError(408, "request body stalled longer than server.body_idle_timeout_seconds");
  } else if (c->phase_ == Phase::Idle) {
    c->close();
  } else if (c->phase_ == Phase::Dispatched && c->write_blocked_) {
    c->close();  // the client read nothing for body_idle_timeout_ms; its stream is cancelled
  }
}

void Http1ServerConnection::closeWhenIdle() {
  if (closing_) return;
  if (close_when_flushed_) {
    if (pendingWriteBytes() > 0 || shutdown_sent_) return;
    shutdown_sent_ = true;
    // Half-close, then linger briefly so the client reads the answer before any RST.
    auto* req = new uv_shutdown_t;
    req->data = this;
    if (uv_shutdown(req, reinterpret_cast<uv_stream_t*>(&tcp_),
                    [](uv_shutdown_t* r, int) { delete r; }) != 0) {
      delete req;
      close();
      return;
    }
    armTimer(kLingerMs);
    return;
  }
  if (phase_ == Phase::Idle || (phase_ == Phase::Head && head_bytes_ == 0)) {
    close();
  } else {
    close_after_response_ = true;
  }
}

void Http1ServerConnection::close() {
  if (closing_) return;
  closing_ = true;
  if (stream_) {
    if (auto cb = std::move(gone_cb_)) cb();
    finishStream(false, true);
  }
  owner_.onConnectionClosed(this);
  uv_close(reinterpret_cast<uv_handle_t*>(&timer_), &onHandleClosed);
  uv_close(reinterpret_cast<uv_handle_t*>(&resume_timer_), &onHandleClosed);
  uv_close(reinterpret_cast<uv_handle_t*>(&flush_check_), &onHandleClosed);
  uv_close(reinterpret_cast<uv_handle_t*>(&flush_prepare_), &onHandleClosed);
  uv_close(reinterpret_cast<uv_handle_t*>(&tcp_), &onHandleClosed);
}

void Http1ServerConnection::onHandleClosed(uv_handle_t* h) {
  auto* c = static_cast<Http1ServerConnection*>(h->data);
  if (--c->open_handles_ == 0) delete c;
}

}  // namespace relay
