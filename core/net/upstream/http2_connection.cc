#include "core/net/upstream/http2_connection.h"

#include <algorithm>
#include <vector>

#include "core/net/upstream/body_batch.h"
#include "core/net/upstream/header_rules.h"
#include "core/net/write_cork.h"

namespace relay {

struct Http2Connection::Stream {
  int32_t id = 0;
  StreamSink* sink = nullptr;  // null once finished or cancelled
  int status = 0;
  Headers headers;
  size_t head_bytes = 0;  // kMaxUpstreamHeaderBytes
  bool headers_delivered = false;
  bool got_bytes = false;
  bool conn_was_reused = false;
  bool paused = false;
  bool remote_ended = false;
  bool nghttp2_closed = false;
  std::string pending;  // DATA received while paused, not yet consumed (window stays closed)
  BodyBatch batch;      // DATA of the current read, not yet handed on (points into the read)
  std::string_view body;
  size_t body_sent = 0;
};

namespace {
Http2Connection* conn(void* user) {
  return static_cast<Http2Connection*>(user);
}

nghttp2_nv makeNv(std::string_view name, std::string_view value) {
  return nghttp2_nv{reinterpret_cast<uint8_t*>(const_cast<char*>(name.data())),
                    reinterpret_cast<uint8_t*>(const_cast<char*>(value.data())), name.size(),
                    value.size(), NGHTTP2_NV_FLAG_NONE};
}

std::string lowerCase(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  return out;
}
}  // namespace

// nghttp2's C callbacks, forwarding into the connection.
struct Http2Callbacks {
  static int onHeader(nghttp2_session*, const nghttp2_frame* frame, const uint8_t* name,
                      size_t namelen, const uint8_t* value, size_t valuelen, uint8_t, void* user) {
    if (frame->hd.type != NGHTTP2_HEADERS) return 0;
    Http2Connection::Stream* s = conn(user)->find(frame->hd.stream_id);
    if (s == nullptr || s->headers_delivered) return 0;  // trailers are dropped
    std::string_view n(reinterpret_cast<const char*>(name), namelen);
    std::string_view v(reinterpret_cast<const char*>(value), valuelen);
    s->head_bytes += namelen + valuelen;
    if (s->head_bytes > kMaxUpstreamHeaderBytes) return 0;  // failed when the frame ends
    if (n == ":status") {
      s->status = 0;
      for (char c : v) s->status = s->status * 10 + (c - '0');
    } else if (!n.empty() && n.front() != ':') {
      s->headers.add(n, v);
    }
    return 0;
  }

  static int onFrameRecv(nghttp2_session*, const nghttp2_frame* frame, void* user) {
    Http2Connection* c = conn(user);
    bool end_stream = (frame->hd.flags & NGHTTP2_FLAG_END_STREAM) != 0;
    switch (frame->hd.type) {
      case NGHTTP2_HEADERS:
        if (auto* s = c->find(frame->hd.stream_id)) c->onHeadersFrame(*s, end_stream);
        break;
      case NGHTTP2_DATA:
        if (auto* s = c->find(frame->hd.stream_id); s != nullptr && end_stream) c->onRemoteEnd(*s);
        break;
      case NGHTTP2_GOAWAY:
        c->goaway_ = true;
        break;
      case NGHTTP2_SETTINGS:
        c->capacity_changed_ = true;
        break;
      default:
        break;
    }
    return 0;
  }

  static int onDataChunk(nghttp2_session* session, uint8_t, int32_t id, const uint8_t* data,
                         size_t len, void* user) {
    Http2Connection::Stream* s = conn(user)->find(id);
    std::string_view bytes(reinterpret_cast<const char*>(data), len);
    if (s == nullptr || s->sink == nullptr) {
      nghttp2_session_consume_connection(session, len);  // nobody wants it; keep the window open
      return 0;
    }
    conn(user)->onData(*s, bytes);
    return 0;
  }

  static int onStreamClose(nghttp2_session*, int32_t id, uint32_t error_code, void* user) {
    conn(user)->onStreamClosed(id, error_code);
    return 0;
  }

  static ssize_t readBody(nghttp2_session*, int32_t, uint8_t* buf, size_t length, uint32_t* flags,
                          nghttp2_data_source* source, void*) {
    auto* s = static_cast<Http2Connection::Stream*>(source->ptr);
    size_t n = std::min(length, s->body.size() - s->body_sent);
    std::copy_n(s->body.data() + s->body_sent, n, buf);
    s->body_sent += n;
    if (s->body_sent == s->body.size()) *flags |= NGHTTP2_DATA_FLAG_EOF;
    return static_cast<ssize_t>(n);
  }
};

Http2Connection::Http2Connection(std::unique_ptr<Transport> transport, Owner* owner)
    : transport_(std::move(transport)), owner_(owner) {
  nghttp2_session_callbacks* cbs = nullptr;
  nghttp2_session_callbacks_new(&cbs);
  nghttp2_session_callbacks_set_on_header_callback(cbs, &Http2Callbacks::onHeader);
  nghttp2_session_callbacks_set_on_frame_recv_callback(cbs, &Http2Callbacks::onFrameRecv);
  nghttp2_session_callbacks_set_on_data_chunk_recv_callback(cbs, &Http2Callbacks::onDataChunk);
  nghttp2_session_callbacks_set_on_stream_close_callback(cbs, &Http2Callbacks::onStreamClose);
  nghttp2_option* opt = nullptr;
  nghttp2_option_new(&opt);
  // The consumer decides when a window reopens (nghttp2_session_consume), not nghttp2.
  nghttp2_option_set_no_auto_window_update(opt, 1);
  nghttp2_option_set_peer_max_concurrent_streams(opt, kMaxStreams);
  nghttp2_session_client_new2(&session_, cbs, this, opt);
  nghttp2_option_del(opt);
  nghttp2_session_callbacks_del(cbs);

  nghttp2_settings_entry settings[] = {{NGHTTP2_SETTINGS_ENABLE_PUSH, 0},
                                       {NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, kMaxStreams},
                                       {NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, kStreamWindowBytes}};
  nghttp2_submit_settings(session_, NGHTTP2_FLAG_NONE, settings, 3);
  nghttp2_session_set_local_window_size(session_, NGHTTP2_FLAG_NONE, 0, kConnectionWindowBytes);
  transport_->setHandler(this);
  flush();
}

Http2Connection::~Http2Connection() {
  if (transport_->isOpen()) transport_->close();
  nghttp2_session_del(session_);
}

Http2Connection::Stream* Http2Connection::find(int32_t id) {
  auto it = streams_.find(id);
  return it == streams_.end() ? nullptr : it->second.get();
}

bool Http2Connection::requestSent(uint32_t id) const {
  auto it = streams_.find(static_cast<int32_t>(id));
  if (it == streams_.end()) return true;
  const Stream& s = *it->second;
  return s.body_sent == s.body.size();  // the DATA frames hold copies of everything read
}

bool Http2Connection::hasCapacity() const {
  if (closed_ || goaway_ || !transport_->isOpen()) return false;
  if (nghttp2_session_check_request_allowed(session_) == 0) return false;
  uint32_t remote_max =
      nghttp2_session_get_remote_settings(session_, NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS);
  return streams_.size() < std::min(remote_max, kMaxStreams);
}

size_t Http2Connection::activeStreams() const {
  return static_cast<size_t>(std::count_if(streams_.begin(), streams_.end(),
                                           [](const auto& kv) { return kv.second->sink; }));
}

uint32_t Http2Connection::startStream(const OutgoingRequest& req, StreamSink* sink) {
  auto stream = std::make_unique<Stream>();
  stream->sink = sink;
  stream->body = req.body;
  stream->conn_was_reused = streams_started_++ > 0;
  std::string authority = req.url->authority();
  std::vector<std::string> names;  // h2 header names must be lower case
  names.reserve(req.headers->size());
  std::vector<nghttp2_nv> nva = {makeNv(":method", *req.method),
                                 makeNv(":scheme", req.url->tls ? "https" : "http"),
                                 makeNv(":authority", authority), makeNv(":path", req.url->path)};
  for (const Header& h : req.headers->all()) {
    names.push_back(lowerCase(h.name));
    nva.push_back(makeNv(names.back(), h.value));
  }
  std::string length = std::to_string(req.body.size());
  if (!req.body.empty() || methodHasBody(*req.method))
    nva.push_back(makeNv("content-length", length));
  nghttp2_data_provider provider{};
  provider.source.ptr = stream.get();
  provider.read_callback = &Http2Callbacks::readBody;
  int32_t id = nghttp2_submit_request(session_, nullptr, nva.data(), nva.size(),
                                      req.body.empty() ? nullptr : &provider, nullptr);
  if (id < 0) return 0;  // capacity was checked; the exchange treats 0 as a failed start
  stream->id = id;
  streams_[id] = std::move(stream);
  flush();
  return static_cast<uint32_t>(id);
}

void Http2Connection::onTransportData(std::string_view bytes) {
  // Every DATA frame of this read for one client (and its stream's end) reaches that client in
  // one write (write_cork.h): they all arrived already.
  WriteCork cork;
  ++depth_;
  batching_ = true;
  ssize_t rv = nghttp2_session_mem_recv(session_, reinterpret_cast<const uint8_t*>(bytes.data()),
                                        bytes.size());
  batching_ = false;
  deliverBatches();  // still inside nghttp2's depth: sending waits for the flush below
  --depth_;
  if (rv < 0)
    return shutdown(std::string("HTTP/2 protocol error: ") +
                    nghttp2_strerror(static_cast<int>(rv)));
  flush();
  afterEvent();
}

void Http2Connection::onTransportClosed(const TransportError* error) {
  closed_ = true;
  failAll(error != nullptr ? error->message : "connection closed by upstream");
  afterEvent();
}

void Http2Connection::onHeadersFrame(Stream& s, bool end_stream) {
  if (s.sink != nullptr && !s.headers_delivered) {
    if (s.status >= 100 && s.status < 200) {  // informational; the real HEADERS follow
      s.headers.clear();
      s.status = 0;
      return;
    }
    s.got_bytes = true;
    bool too_large = s.head_bytes > kMaxUpstreamHeaderBytes;
    if (s.status == 0 || too_large) {
      nghttp2_submit_rst_stream(session_, NGHTTP2_FLAG_NONE, s.id, NGHTTP2_PROTOCOL_ERROR);
      StreamSink* sink = s.sink;
      s.sink = nullptr;
      std::string why = too_large ? "response headers larger than " +
                                        std::to_string(kMaxUpstreamHeaderBytes) + " bytes"
                                  : "HTTP/2 response without :status";
      return sink->onStreamFailed({UpstreamError::Kind::Protocol, why, false});
    }
    s.headers_delivered = true;
    Headers headers = std::move(s.headers);
    s.headers.clear();
    stripResponseHopByHop(headers);
    s.sink->onStreamHeaders(s.status, std::move(headers));
  }
  if (end_stream) onRemoteEnd(s);
}

void Http2Connection::onData(Stream& s, std::string_view bytes) {
  s.got_bytes = true;
  if (s.paused) {
    s.pending.append(bytes);
    return;
  }
  if (batching_) {  // the bytes lie in the read being parsed: handed on before it returns
    if (s.batch.empty()) batched_.push_back(s.id);
    s.batch.add(bytes);
    return;
  }
  int32_t id = s.id;
  bool more = s.sink->onStreamData(bytes);
  // The consumer took these bytes: only now may the upstream send more.
  nghttp2_session_consume(session_, id, bytes.size());
  if (Stream* again = find(id); again != nullptr && again->sink != nullptr && !more)
    again->paused = true;
}

bool Http2Connection::deliverBatch(int32_t id) {
  Stream* s = find(id);
  if (s == nullptr) return false;
  if (s->batch.empty()) return true;
  BodyBatch batch(std::move(s->batch));  // ours while the consumer runs, whatever it does
  if (s->sink == nullptr) {
    nghttp2_session_consume_connection(session_, batch.view().size());
  } else {
    bool batching = batching_;
    batching_ = false;
    onData(*s, batch.view());
    batching_ = batching;
  }
  return find(id) != nullptr;  // the consumer may have cancelled it
}

void Http2Connection::deliverBatches() {
  std::vector<int32_t> ids;
  ids.swap(batched_);
  for (int32_t id : ids) deliverBatch(id);
}

void Http2Connection::onRemoteEnd(Stream& s) {
  s.remote_ended = true;
  int32_t id = s.id;
  if (!deliverBatch(id)) return;  // the data before the end goes first
  Stream* again = find(id);
  if (again->sink != nullptr && !again->paused) completeStream(*again);
}

void Http2Connection::completeStream(Stream& s) {
  StreamSink* sink = s.sink;
  s.sink = nullptr;
  capacity_changed_ = true;
  if (s.nghttp2_closed) streams_.erase(s.id);  // s is gone from here on
  if (sink != nullptr) sink->onStreamComplete();
}

void Http2Connection::onStreamClosed(int32_t id, uint32_t error_code) {
  Stream* s = find(id);
  if (s == nullptr) return;
  s->nghttp2_closed = true;
  if (!deliverBatch(id)) return;  // the data before a reset goes first
  s = find(id);
  capacity_changed_ = true;
  if (s->sink != nullptr && s->remote_ended) return;  // paused with the end still pending
  StreamSink* sink = s->sink;
  bool retry = !s->got_bytes && (error_code == NGHTTP2_REFUSED_STREAM || s->conn_was_reused);
  nghttp2_session_consume_connection(session_, s->pending.size());
  streams_.erase(id);
  if (sink == nullptr) return;
  sink->onStreamFailed(
      {UpstreamError::Kind::Reset,
       std::string("HTTP/2 stream reset by upstream (") + nghttp2_http2_strerror(error_code) + ")",
       retry});
}

void Http2Connection::resumeStream(uint32_t id) {
  Stream* s = find(static_cast<int32_t>(id));
  if (s == nullptr || s->sink == nullptr || !s->paused) return;
  s->paused = false;
  if (!s->pending.empty()) {
    std::string chunk = std::move(s->pending);
    s->pending.clear();
    bool more = s->sink->onStreamData(chunk);
    nghttp2_session_consume(session_, static_cast<int32_t>(id), chunk.size());
    s = find(static_cast<int32_t>(id));
    if (s != nullptr && s->sink != nullptr && !more) s->paused = true;
  }
  if (s != nullptr && s->sink != nullptr && !s->paused && s->remote_ended) completeStream(*s);
  flush();  // WINDOW_UPDATE for what was consumed
  afterEvent();
}

void Http2Connection::cancelStream(uint32_t id) {
  Stream* s = find(static_cast<int32_t>(id));
  if (s == nullptr || s->sink == nullptr) return;
  s->sink = nullptr;
  s->body = {};
  nghttp2_session_consume_connection(session_, s->pending.size() + s->batch.view().size());
  s->pending.clear();
  s->batch.clear();
  if (s->nghttp2_closed) {
    streams_.erase(static_cast<int32_t>(id));
  } else {
    nghttp2_submit_rst_stream(session_, NGHTTP2_FLAG_NONE, static_cast<int32_t>(id),
                              NGHTTP2_CANCEL);
  }
  flush();
  afterEvent();
}

void Http2Connection::close() {
  shutdown("connection closed by the client pool");
}

void Http2Connection::shutdown(const std::string& why) {
  if (!closed_) {
    nghttp2_session_terminate_session(session_, NGHTTP2_NO_ERROR);
    flush();
    closed_ = true;
    transport_->close();
  }
  failAll(why);
  afterEvent();
}

void Http2Connection::failAll(const std::string& why) {
  std::vector<int32_t> ids;
  for (auto& [id, s] : streams_)
    if (!(s->remote_ended && s->sink != nullptr)) ids.push_back(id);  // keep pending completions
  for (int32_t id : ids) {
    if (!deliverBatch(id)) continue;  // the data that arrived before the failure goes first
    Stream* s = find(id);
    StreamSink* sink = s->sink;
    bool retry = !s->got_bytes && s->conn_was_reused;
    streams_.erase(id);
    if (sink != nullptr) sink->onStreamFailed({UpstreamError::Kind::Reset, why, retry});
  }
}

void Http2Connection::flush() {
  if (depth_ > 0 || closed_) return;
  std::string out;
  for (;;) {
    const uint8_t* data = nullptr;
    ssize_t n = nghttp2_session_mem_send(session_, &data);
    if (n <= 0) break;
    out.append(reinterpret_cast<const char*>(data), static_cast<size_t>(n));
  }
  if (!out.empty()) transport_->write(out);
}

// Runs once the connection is outside nghttp2: tells the pool about capacity or the end.
void Http2Connection::afterEvent() {
  if (depth_ > 0) return;
  if (!closed_ && goaway_ && streams_.empty()) {
    closed_ = true;  // the server is going away and nothing is left to finish
    transport_->close();
  }
  if (closed_) {
    if (activeStreams() == 0 && !closed_notified_) {
      closed_notified_ = true;
      owner_->onConnectionClosed(this);
    }
    return;
  }
  if (capacity_changed_) {
    capacity_changed_ = false;
    if (hasCapacity()) owner_->onConnectionAvailable(this);
  }
}

}  // namespace relay
