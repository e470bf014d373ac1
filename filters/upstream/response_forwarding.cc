#include "filters/upstream/response_forwarding.h"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "core/obs/relay_metrics.h"
#include "core/provider/provider_account.h"
#include "filters/provider/request_view.h"

namespace relay {

namespace {

// Its leading digits, as std::stoull read them (the codecs let only digits through), without
// the exception machinery and locale lookups of stoull on every answer.
std::optional<uint64_t> parseContentLength(const std::string& value) {
  const char* p = value.data();
  const char* end = p + value.size();
  while (p < end && std::isspace(static_cast<unsigned char>(*p))) ++p;
  if (p < end && *p == '+') ++p;
  uint64_t n = 0;
  auto [stop, ec] = std::from_chars(p, end, n);
  if (ec != std::errc() || stop == p) return std::nullopt;
  return n;
}

// The first Content-Length's value (nullopt when absent or unreadable), with every Content-Length
// removed; the one found is compared once.
std::optional<uint64_t> takeContentLength(Headers& h) {
  const std::string* first = h.find("content-length");
  if (first == nullptr) return std::nullopt;
  std::optional<uint64_t> length = parseContentLength(*first);
  h.remove("content-length");  // it and any repeated one, in the one shared removal pass
  return length;
}

}  // namespace

ResponseForwarding::~ResponseForwarding() {
  detach();
}

void ResponseForwarding::detach() {
  endPluginStream();
  if (streaming_) relayMetrics().streamClosed();
  streaming_ = false;
  detached_ = true;
}

const relay_plugin_t& ResponseForwarding::plugin() const {
  return account_.plugin().table();
}

void ResponseForwarding::onResponseHeaders(int status, Headers headers) {
  relayMetrics().upstreamResponse(account_.plugin().name(), account_.id(), status);
  ResponseHead head;
  head.status = status;
  head.content_length = takeContentLength(headers);
  head.headers = std::move(headers);
  const relay_plugin_t& p = plugin();
  if (status < 400 && RELAY_PLUGIN_HAS(&p, response_begin)) {
    AbiHeaders hs(head.headers);
    stream_ =
        p.response_begin(account_.handle(), handle_, status, hs.items.data(), hs.items.size());
    observing_ = account_.responseObserves();
    if (stream_ && !observing_) head.content_length.reset();  // the plugin decides the bytes
  }
  if (status < 400) {
    streaming_ = true;
    relayMetrics().streamOpened();
  }
  cb_.answerHeaders(std::move(head));
  // The answer is on its way to the client and the upstream has the whole request: its body
  // need not live as long as the answer streams.
  if (!detached_ && *call_ && (*call_)->requestBodyReleased()) cb_.releaseRequestBody();
}

bool ResponseForwarding::onResponseData(std::string_view bytes) {
  if (detached_) return false;
  if (!stream_) {
    forward(bytes);
  } else if (observing_) {
    forward(bytes);  // an observer reads the bytes after they left for the client
    if (!detached_) plugin().response_data(stream_, toSlice(bytes), 0);
  } else {
    plugin().response_data(stream_, toSlice(bytes), 0);  // the plugin emits what goes on
  }
  return !client_paused_;
}

void ResponseForwarding::onResponseComplete() {
  if (detached_) return;
  if (stream_ && observing_) {
    // The observer's end (a usage tap parsing the whole answer) waits until the answer's last
    // bytes were handed to the client (onAnswerSent), and still comes before the request is
    // recorded with the usage it reports.
    end_owed_ = true;
    cb_.answerEnd();
    return;
  }
  if (stream_) plugin().response_data(stream_, toSlice(""), 1);
  endPluginStream();
  cb_.answerEnd();
}

void ResponseForwarding::onAnswerSent() {
  if (!end_owed_ || detached_) return;
  end_owed_ = false;
  if (stream_) plugin().response_data(stream_, toSlice(""), 1);
  endPluginStream();
}

void ResponseForwarding::onResponseError(const UpstreamError& e) {
  if (detached_) return;
  relayMetrics().upstreamError(account_.plugin().name(), account_.id(),
                               upstreamErrorKindName(e.kind));
  endPluginStream();
  AnswerFailure f;
  f.status = e.kind == UpstreamError::Kind::TimeoutHeaders ? 504 : 502;
  f.message = e.message;
  cb_.answerFailed(f);
}

int ResponseForwarding::emit(std::string_view bytes) {
  if (observing_) return RELAY_UNSUPPORTED;  // an observer never changes the answer
  if (!detached_) forward(bytes);
  return RELAY_OK;
}

void ResponseForwarding::reportUsage(const relay_usage_t& u) {
  if (detached_) return;
  TokenUsage& t = cb_.state().usage;
  t.seen = true;
  t.model.assign(u.model.ptr, u.model.len);  // into a warm request state's memory
  t.input_tokens = static_cast<int64_t>(u.input_tokens);
  t.output_tokens = static_cast<int64_t>(u.output_tokens);
  t.cache_creation_tokens = static_cast<int64_t>(u.cache_creation_input_tokens);
  t.cache_read_tokens = static_cast<int64_t>(u.cache_read_input_tokens);
}

void ResponseForwarding::forward(std::string_view bytes) {
  if (cb_.answerData(bytes) || client_paused_) return;
  client_paused_ = true;
  if (!alive_) alive_ = std::make_shared<int>(0);
  cb_.response().onWritable([this, alive = std::weak_ptr<int>(alive_)] {
    if (alive.expired()) return;
    client_paused_ = false;
    if (*call_) (*call_)->resume();
  });
}

void ResponseForwarding::endPluginStream() {
  if (stream_ && RELAY_PLUGIN_HAS(&plugin(), response_end)) plugin().response_end(stream_);
  stream_ = nullptr;
}

}  // namespace relay
