#include "core/net/upstream/upstream_exchange.h"

#include <algorithm>

#include "core/http/header_list_pool.h"
#include "core/http/request_storage_pool.h"
#include "core/net/upstream/header_rules.h"

namespace relay {

UpstreamExchange::UpstreamExchange(uv_loop_t* loop, ConnectionPool* pool, UpstreamRequest&& request,
                                   std::shared_ptr<const UpstreamUrl> url, std::string url_error,
                                   UpstreamResponseHandler* handler)
    : loop_(loop),
      pool_(pool),
      request_(std::move(request)),
      url_(std::move(url)),
      url_error_(std::move(url_error)),
      handler_(handler),
      timer_(loop) {
  cleanRequestHeadersForUpstream(request_.headers);
}

UpstreamExchange::~UpstreamExchange() {
  if (destroyed_ != nullptr) *destroyed_ = true;
  cancel();
  // The next request's upstream head is built into this one's memory, and a body of its own
  // (rewritten for the upstream, or handed over by the caller) holds the next one.
  HeaderListPool::local().give(HeadSide::Upstream, request_.headers.all());
  RequestStoragePool::local().giveBody(request_.body);
}

ConnectOptions UpstreamExchange::connectOptions() const {
  ConnectOptions o;
  o.host = url_->host;
  o.port = url_->port;
  o.tls = url_->tls;
  o.ca_file = request_.ca_file;
  o.proxy = request_.proxy;
  o.connect_timeout_ms = request_.timeouts.connect_ms;
  o.handshake_timeout_ms = request_.timeouts.tls_handshake_ms;
  o.account_id = request_.account_id;
  return o;
}

std::string UpstreamExchange::attribute(std::string_view message) const {
  std::string out;
  // Transport messages already name the account; say it once.
  std::string prefix = "account " + request_.account_id + ": ";
  if (!request_.account_id.empty()) {
    out = prefix;
    if (message.starts_with(prefix)) message.remove_prefix(prefix.size());
  }
  out.append(request_.method).append(" ");
  out.append(url_ ? url_->redacted() : std::string("<invalid URL>")).append(": ");
  out.append(message);
  return out;
}

void UpstreamExchange::start() {
  if (!url_) {  // reported from the loop, never from inside send()
    timer_.start(0, [this] { fail(UpstreamError::Kind::Protocol, "invalid URL: " + url_error_); });
    return;
  }
  if (std::string unsafe = unsafeRequestHead(request_.method, request_.headers); !unsafe.empty()) {
    timer_.start(0, [this, unsafe] {
      fail(UpstreamError::Kind::Protocol, unsafe + "; the request was not sent");
    });
    return;
  }
  // One watchdog for both limits, armed at the earlier of them; bytes that arrive only move a
  // deadline it reads when it fires (no timer re-armed per chunk or event).
  waiting_for_headers_ = true;
  started_ms_ = last_bytes_ms_ = uv_now(loop_);
  uint64_t headers_ms = static_cast<uint64_t>(std::max(request_.timeouts.response_headers_ms, 0));
  uint64_t idle_ms = static_cast<uint64_t>(std::max(request_.timeouts.body_idle_ms, 0));
  startWatchdog(std::min(headers_ms, idle_ms));
  waiting_ = true;
  pool_->acquire(this, false);
}

void UpstreamExchange::onConnectionReady(UpstreamConnection* conn) {
  waiting_ = false;
  conn_ = conn;
  protocol_ = conn->protocol();
  OutgoingRequest out{&request_.method, &*url_, &request_.headers, request_.bodyBytes()};
  stream_id_ = conn->startStream(out, this);
  if (stream_id_ == 0) {  // possibly still inside send(): report from the loop
    conn_ = nullptr;
    timer_.start(
        0, [this] { fail(UpstreamError::Kind::Protocol, "the connection refused a new stream"); });
  }
}

void UpstreamExchange::onConnectionFailed(const TransportError& error) {
  waiting_ = false;
  fail(upstreamErrorKindFor(error.kind), error.message);
}

void UpstreamExchange::onStreamHeaders(int status, Headers headers) {
  response_started_ = true;
  // An answered request is never retried: once the codec has the whole body, a streamed answer
  // need not hold it. (An HTTP/2 upstream may answer before it read all of it.)
  if (conn_ != nullptr && conn_->requestSent(stream_id_)) {
    RequestStoragePool::local().giveBody(request_.body);
    request_.body_ref.reset();
    body_released_ = true;
  }
  if (const std::string* enc = headers.find("content-encoding")) {
    decoder_ = BodyDecoder::forEncoding(*enc);
    if (decoder_) {
      headers.remove("content-encoding");
      headers.remove("content-length");
    }
  }
  armIdleTimer();
  handler_->onResponseHeaders(status, std::move(headers));
}

bool UpstreamExchange::onStreamData(std::string_view bytes) {
  armIdleTimer();
  std::string decoded;
  if (decoder_) {
    if (!decoder_->decode(bytes, decoded)) {
      stopStream();
      fail(UpstreamError::Kind::Protocol, decoder_->error());
      return false;
    }
    if (decoded.empty()) return true;
    bytes = decoded;
  }
  // The handler may destroy this exchange: a flag on this stack tells (no allocation per call).
  bool destroyed = false;
  bool* outer = destroyed_;
  destroyed_ = &destroyed;
  bool more = handler_->onResponseData(bytes);
  if (destroyed) {
    if (outer != nullptr) *outer = true;
    return false;
  }
  destroyed_ = outer;
  if (finished_) return false;
  if (!more) {
    paused_ = true;
    timer_.stop();  // the consumer holds the stream; silence is not the upstream's fault
  }
  return more;
}

void UpstreamExchange::resume() {
  if (!paused_ || finished_ || conn_ == nullptr) return;
  paused_ = false;
  armIdleTimer();
  conn_->resumeStream(stream_id_);
}

void UpstreamExchange::onStreamComplete() {
  conn_ = nullptr;
  if (decoder_ && !decoder_->finished())
    return fail(UpstreamError::Kind::Reset, "compressed body ended before its end marker");
  finished_ = true;
  timer_.stop();
  handler_->onResponseComplete();
}

void UpstreamExchange::onStreamFailed(StreamFailure failure) {
  conn_ = nullptr;
  if (!response_started_ && failure.safe_to_retry && !retried_) {
    // A pooled connection died under us before the server answered: once, on a fresh one.
    retried_ = true;
    waiting_ = true;
    pool_->acquire(this, true);
    return;
  }
  fail(failure.kind, failure.message);
}

void UpstreamExchange::startWatchdog(uint64_t ms) {
  timer_.start(ms, [this] { onWatchdog(); });
}

void UpstreamExchange::onWatchdog() {
  uint64_t now = uv_now(loop_);
  uint64_t deadline =
      waiting_for_headers_
          ? started_ms_ + static_cast<uint64_t>(std::max(request_.timeouts.response_headers_ms, 0))
          : last_bytes_ms_ + static_cast<uint64_t>(std::max(request_.timeouts.body_idle_ms, 0));
  if (now < deadline) return startWatchdog(deadline - now);
  stopStream();
  if (waiting_for_headers_)
    fail(UpstreamError::Kind::TimeoutHeaders,
         "no response headers within " + std::to_string(request_.timeouts.response_headers_ms) +
             " ms");
  else
    fail(UpstreamError::Kind::TimeoutIdle,
         "no body bytes for " + std::to_string(request_.timeouts.body_idle_ms) + " ms");
}

void UpstreamExchange::armIdleTimer() {
  if (finished_) return;
  waiting_for_headers_ = false;
  last_bytes_ms_ = uv_now(loop_);
  // Still armed: it fires no later than the new deadline and re-arms itself from there.
  if (!timer_.active())
    startWatchdog(static_cast<uint64_t>(std::max(request_.timeouts.body_idle_ms, 0)));
}

void UpstreamExchange::stopStream() {
  if (conn_ != nullptr) {
    UpstreamConnection* conn = conn_;
    conn_ = nullptr;
    conn->cancelStream(stream_id_);
  } else if (waiting_) {
    waiting_ = false;
    pool_->cancelWait(this);
  }
}

void UpstreamExchange::fail(UpstreamError::Kind kind, std::string_view message) {
  if (finished_) return;
  finished_ = true;
  timer_.stop();
  UpstreamError error{kind, attribute(message), response_started_};
  handler_->onResponseError(error);
}

void UpstreamExchange::cancel() {
  timer_.stop();
  finished_ = true;
  stopStream();
}

}  // namespace relay
