#include "core/net/upstream/http1_connection.h"

#include <optional>

#include "core/http/header_list_pool.h"
#include "core/net/upstream/header_rules.h"
#include "core/net/write_buffer_pool.h"
#include "core/net/write_cork.h"

namespace relay {

namespace {
Http1Connection* self(llhttp_t* p) {
  return static_cast<Http1Connection*>(p->data);
}
}  // namespace

const llhttp_settings_t& Http1Connection::parserSettings() {
  static const llhttp_settings_t settings = [] {
    llhttp_settings_t s;
    llhttp_settings_init(&s);
    s.on_header_field = &Http1Connection::onHeaderField;
    s.on_header_value = &Http1Connection::onHeaderValue;
    s.on_header_value_complete = &Http1Connection::onHeaderValueComplete;
    s.on_headers_complete = &Http1Connection::onHeadersComplete;
    s.on_body = &Http1Connection::onBody;
    s.on_message_complete = &Http1Connection::onMessageComplete;
    return s;
  }();
  return settings;
}

Http1Connection::Http1Connection(std::unique_ptr<Transport> transport, Owner* owner)
    : transport_(std::move(transport)), owner_(owner) {
  transport_->setHandler(this);
}

Http1Connection::~Http1Connection() {
  closeTransport();
}

bool Http1Connection::hasCapacity() const {
  return !closed_ && sink_ == nullptr && !in_parse_ && transport_->isOpen();
}

uint32_t Http1Connection::startStream(const OutgoingRequest& req, StreamSink* sink) {
  sink_ = sink;
  stream_id_ = next_stream_id_++;
  head_request_ = *req.method == "HEAD";
  got_response_bytes_ = headers_delivered_ = message_done_ = paused_ = header_open_ = false;
  head_bytes_ = 0;
  // The response head is read into a list an earlier response gave back (the chain gives it back
  // once the client has it): names and values are written into memory they had before.
  head_ = HeaderListPool::local().take(HeadSide::Response);
  head_used_ = 0;
  pending_body_.clear();
  llhttp_init(&parser_, HTTP_RESPONSE, &parserSettings());
  parser_.data = this;
  // The head is built in a reused buffer: the transport copies only what the socket does not take.
  std::string head = WriteBufferPool::local().take();
  appendHttp1RequestHead(head, *req.method, *req.url, *req.headers, req.body.size());
  transport_->write(head, req.body);
  WriteBufferPool::local().give(head);
  return stream_id_;
}

void Http1Connection::onTransportData(std::string_view bytes) {
  if (sink_ == nullptr || message_done_) {
    // Bytes nobody asked for: the connection's framing can no longer be trusted.
    closeTransport();
    notifyClosedIfDone();
    return;
  }
  got_response_bytes_ = true;
  in_parse_ = true;
  batching_ = true;
  llhttp_errno_t err = llhttp_execute(&parser_, bytes.data(), bytes.size());
  batching_ = false;
  // The answer ends in this read: its last bytes and its end reach the client in one write.
  std::optional<WriteCork> cork;
  if (message_done_) cork.emplace();
  deliverBatch();  // the body bytes of this read, before its end or error is acted on
  in_parse_ = false;
  if (sink_ == nullptr) {  // cancelled from a callback
    notifyClosedIfDone();
    return;
  }
  if (err == HPE_PAUSED && message_done_) {
    // Anything after the response would be unsolicited: do not reuse the connection.
    if (llhttp_get_error_pos(&parser_) != bytes.data() + bytes.size()) keep_alive_ = false;
    if (!paused_) finishMessage();
    return;
  }
  if (err != HPE_OK) failParse(err);
}

void Http1Connection::failParse(llhttp_errno_t err) {
  if (head_bytes_ > kMaxUpstreamHeaderBytes) {
    failStream(
        {UpstreamError::Kind::Protocol,
         "response headers larger than " + std::to_string(kMaxUpstreamHeaderBytes) + " bytes",
         false});
  } else {
    failStream({UpstreamError::Kind::Protocol,
                std::string("malformed HTTP/1.1 response: ") + llhttp_errno_name(err) + " (" +
                    (parser_.reason != nullptr ? parser_.reason : "") + ")",
                false});
  }
}

void Http1Connection::onTransportClosed(const TransportError* error) {
  closed_ = true;
  if (sink_ != nullptr && !message_done_ && error == nullptr && headers_delivered_) {
    // A close-delimited body ends at EOF; llhttp_finish says whether that was legitimate.
    in_parse_ = true;
    llhttp_errno_t err = llhttp_finish(&parser_);
    in_parse_ = false;
    if (sink_ == nullptr) return notifyClosedIfDone();
    if ((err == HPE_OK || err == HPE_PAUSED) && message_done_) {
      keep_alive_ = false;
      if (!paused_) finishMessage();
      return;
    }
  }
  if (sink_ != nullptr && !message_done_) {
    bool nothing = !got_response_bytes_;
    std::string why = error != nullptr ? error->message
                      : nothing        ? "connection closed before any response byte"
                                       : "connection closed before the response was complete";
    failStream({UpstreamError::Kind::Reset, why, nothing && reused_});
    return;
  }
  notifyClosedIfDone();
}

int Http1Connection::onHeaderField(llhttp_t* p, const char* at, size_t len) {
  Http1Connection* c = self(p);
  c->head_bytes_ += len;
  if (c->head_bytes_ > kMaxUpstreamHeaderBytes) return -1;
  // A name or value may come in pieces (split across reads): each appends to its header.
  Header& h = c->header_open_ ? c->head_[c->head_used_ - 1] : c->openHeader();
  h.name.append(at, len);
  return 0;
}

int Http1Connection::onHeaderValue(llhttp_t* p, const char* at, size_t len) {
  Http1Connection* c = self(p);
  c->head_bytes_ += len;
  if (c->head_bytes_ > kMaxUpstreamHeaderBytes) return -1;
  Header& h = c->header_open_ ? c->head_[c->head_used_ - 1] : c->openHeader();
  h.value.append(at, len);
  return 0;
}

int Http1Connection::onHeaderValueComplete(llhttp_t* p) {
  Http1Connection* c = self(p);
  c->header_open_ = false;
  if (c->head_used_ > 0)
    trimTrailingWhitespace(c->head_[c->head_used_ - 1].value);  // RFC 9110, 5.5
  return 0;
}

Header& Http1Connection::openHeader() {
  header_open_ = true;
  return HeaderSpares::emptyAt(head_, head_used_++);
}

int Http1Connection::onHeadersComplete(llhttp_t* p) {
  Http1Connection* c = self(p);
  c->header_open_ = false;
  return c->deliverHeaders();
}

int Http1Connection::deliverHeaders() {
  int status = parser_.status_code;
  if (status >= 100 && status < 200) {  // 100-continue and friends: wait for the real one
    head_used_ = 0;
    return 0;
  }
  keep_alive_ = llhttp_should_keep_alive(&parser_) != 0;
  headers_delivered_ = true;
  HeaderSpares::keepTail(head_, head_used_);  // what an earlier response left beyond these
  head_used_ = 0;
  Headers headers;
  headers.all() = std::move(head_);
  head_ = {};
  stripResponseHopByHop(headers);
  sink_->onStreamHeaders(status, std::move(headers));
  if (sink_ == nullptr) return -1;
  return head_request_ ? 1 : 0;  // 1: the response to HEAD has no body whatever it says
}

int Http1Connection::onBody(llhttp_t* p, const char* at, size_t len) {
  return self(p)->deliverBody(std::string_view(at, len));
}

int Http1Connection::deliverBody(std::string_view bytes) {
  if (paused_) {
    pending_body_.append(bytes);
    return 0;
  }
  if (batching_) {  // points into the read's bytes: handed on before onTransportData returns
    batch_.add(bytes);
    return 0;
  }
  if (!sink_->onStreamData(bytes)) {
    if (sink_ == nullptr) return -1;
    paused_ = true;
    transport_->pauseReading();
  }
  return sink_ == nullptr ? -1 : 0;
}

void Http1Connection::deliverBatch() {
  if (!batch_.empty() && sink_ != nullptr) deliverBody(batch_.view());
  batch_.clear();
}

int Http1Connection::onMessageComplete(llhttp_t* p) {
  Http1Connection* c = self(p);
  if (!c->headers_delivered_) return 0;  // end of an informational response
  c->message_done_ = true;
  return HPE_PAUSED;
}

void Http1Connection::resumeStream(uint32_t id) {
  if (id != stream_id_ || sink_ == nullptr || !paused_) return;
  paused_ = false;
  if (!pending_body_.empty()) {
    std::string chunk = std::move(pending_body_);
    pending_body_.clear();
    if (!sink_->onStreamData(chunk)) {
      if (sink_ != nullptr) paused_ = true;
      return;
    }
    if (sink_ == nullptr) return;
  }
  if (message_done_) return finishMessage();
  if (!closed_) transport_->resumeReading();
}

void Http1Connection::finishMessage() {
  StreamSink* sink = sink_;
  sink_ = nullptr;
  bool reusable =
      keep_alive_ && !closed_ && transport_->isOpen() && transport_->pendingWriteBytes() == 0;
  if (reusable) {
    reused_ = true;
    transport_->resumeReading();
  } else {
    closeTransport();
  }
  sink->onStreamComplete();
  if (reusable && !closed_ && sink_ == nullptr) owner_->onConnectionAvailable(this);
  notifyClosedIfDone();
}

void Http1Connection::failStream(StreamFailure failure) {
  StreamSink* sink = sink_;
  sink_ = nullptr;
  closeTransport();
  if (sink != nullptr) sink->onStreamFailed(std::move(failure));
  notifyClosedIfDone();
}

void Http1Connection::cancelStream(uint32_t id) {
  if (id != stream_id_ || sink_ == nullptr) return;
  sink_ = nullptr;
  closeTransport();  // HTTP/1.1 has no way to abandon one response but to drop the connection
  if (!in_parse_) notifyClosedIfDone();
}

void Http1Connection::close() {
  if (sink_ != nullptr)
    return failStream({UpstreamError::Kind::Reset, "connection closed by the client pool", false});
  closeTransport();
  notifyClosedIfDone();
}

void Http1Connection::closeTransport() {
  closed_ = true;
  if (transport_ && transport_->isOpen()) transport_->close();
}

void Http1Connection::notifyClosedIfDone() {
  if (!closed_ || sink_ != nullptr || closed_notified_ || in_parse_) return;
  closed_notified_ = true;
  owner_->onConnectionClosed(this);
}

}  // namespace relay
