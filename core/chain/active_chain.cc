#include "core/chain/active_chain.h"

#include "core/chain/request_state_pool.h"
#include "core/chain/route_table.h"
#include "core/formats/error_render.h"
#include "core/http/header_list_pool.h"
#include "core/http/request_storage_pool.h"

namespace relay {

ActiveChain::ActiveChain(Request&& req, ResponseSink& sink, const ServerContext& server,
                         WorkerContext& worker)
    : req_(std::move(req)),
      sink_(sink),
      server_(server),
      worker_(worker),
      state_(takeRequestState()) {
  state_.start_ns = uv_hrtime();
}

ActiveChain::~ActiveChain() {
  if (attempt_timer_) {
    attempt_timer_->data = nullptr;
    uv_close(reinterpret_cast<uv_handle_t*>(attempt_timer_),
             [](uv_handle_t* h) { delete reinterpret_cast<uv_timer_t*>(h); });
  }
  for (auto& f : filters_) f->onDestroy();
  // The filters go first: an upstream call among them may still point at the body. Then the
  // request's body and header list serve a later request on this worker.
  filters_.clear();
  retired_.clear();
  RequestStoragePool& pool = RequestStoragePool::local();
  pool.give(req_);
  if (original_body_) pool.giveBody(*original_body_);
  giveRequestState(state_);
}

void ActiveChain::start() {
  RouteLookup why = RouteLookup::NotFound;
  state_.route = server_.routes.match(req_.method, req_.path(), &why);
  if (!state_.route) return answerNoRoute(why);
  state_.format = state_.route->format;
  state_.upstream_format = state_.format;
  const FilterChainFactory& chain = *state_.route->chain;
  size_t count = chain.filterNames().size();
  filters_.reserve(count);
  emitters_.reserve(count);
  roles_.assign(count, 0);
  for (size_t i = 0; i < count; ++i) {
    filters_.push_back(chain.createFilter(i));
    emitters_.emplace_back(*this, i);
  }
  run();
}

void ActiveChain::run() {
  running_ = true;
  while (!finished_ && next_ < filters_.size()) {
    resume_ = false;
    responder_ = next_;
    FilterStatus st = filters_[next_]->onRequest(*this);
    if (finished_) break;
    if (st == FilterStatus::Stop && !resume_) {
      running_ = false;
      return;  // the filter resumes us later through continueChain()
    }
    ++next_;
  }
  running_ = false;
  responder_ = filters_.size();
  if (!finished_ && !sink_.started()) answerChainEndedEmpty();
}

void ActiveChain::answerNoRoute(RouteLookup why) {
  state_.format = guessWireFormat(req_.path());
  if (why == RouteLookup::MethodNotAllowed)
    sendError(405, "method " + req_.method + " is not allowed on " + std::string(req_.path()));
  else
    sendError(404, "no route for " + req_.method + " " + std::string(req_.path()));
}

void ActiveChain::answerChainEndedEmpty() {
  sendError(500, "route " + state_.route->path + ": filter chain '" + state_.route->chain->name() +
                     "' ended without producing a response");
}

void ActiveChain::continueChain() {
  if (finished_) return;
  if (running_) {
    resume_ = true;  // Stop returned after an in-line resume
    return;
  }
  ++next_;
  run();
}

void ActiveChain::setRequestBody(std::string body) {
  if (!original_body_) original_body_ = std::move(req_.body);
  req_.body = std::move(body);
}

// ---- attempts ----

bool ActiveChain::newAttempt(AttemptRequest how) {
  const FilterChainFactory& chain = *state_.route->chain;
  if (finished_ || sink_.started() || !chain.hasAttemptStart()) return false;
  state_.retry_account_id = std::move(how.same_account);
  state_.refresh_before_send = how.force_refresh;
  // What the dropped attempt asked the client connection to call back goes with it.
  sink_.onClientGone(nullptr);
  sink_.onWritable(nullptr);
  // The dropped attempt's filters may still be on the stack: they are told now and freed once
  // the new attempt starts, from the loop.
  if (retired_.empty()) retired_.reserve(filters_.size() - chain.attemptStart());
  for (size_t i = chain.attemptStart(); i < filters_.size(); ++i) {
    filters_[i]->onDestroy();
    retired_.push_back(std::move(filters_[i]));
    filters_[i] = chain.createFilter(i);
    roles_[i] = 0;
  }
  producer_owed_ = false;  // the dropped attempt's answer never reaches the client
  next_ = chain.attemptStart();
  responder_ = next_;
  if (!attempt_timer_) {
    attempt_timer_ = new uv_timer_t;
    uv_timer_init(worker_.loop, attempt_timer_);
    attempt_timer_->data = this;
  }
  uv_timer_start(attempt_timer_, &ActiveChain::onAttemptTimer, how.delay_ms, 0);
  return true;
}

void ActiveChain::releaseRequestBody() {
  if (!sink_.started()) return;
  RequestStoragePool& pool = RequestStoragePool::local();
  pool.giveBody(req_.body);
  if (original_body_) pool.giveBody(*original_body_);
  original_body_.reset();
}

void ActiveChain::onAttemptTimer(uv_timer_t* t) {
  if (auto* self = static_cast<ActiveChain*>(t->data)) self->startAttempt();
}

void ActiveChain::startAttempt() {
  retired_.clear();
  if (finished_) return;
  if (original_body_) {
    RequestStoragePool::local().giveBody(req_.body);  // the dropped attempt's rewrite
    req_.body = std::move(*original_body_);
    original_body_.reset();
  }
  state_.account_id.clear();
  state_.provider_account = nullptr;
  state_.provider.clear();
  state_.probe = false;
  state_.upstream_format = state_.format;
  state_.upstream_model.clear();
  state_.usage = TokenUsage{};
  run();
}

// ---- the answer ----

void ActiveChain::answerHeaders(ResponseHead head) {
  encodeHeaders(responder_, std::move(head));
}

bool ActiveChain::answerData(std::string_view bytes) {
  client_full_ = false;
  encodeData(responder_, bytes);
  return !client_full_;
}

void ActiveChain::answerEnd() {
  producer_ = responder_;
  producer_owed_ = true;
  encodeEnd(responder_);
}

void ActiveChain::answerFailed(const AnswerFailure& failure) {
  encodeFailure(responder_, failure);
}

uint8_t ActiveChain::askRole(size_t j) {
  roles_[j] = static_cast<uint8_t>(static_cast<uint8_t>(filters_[j]->responseRole()) + 1);
  return roles_[j];
}

void ActiveChain::encodeHeaders(size_t below, ResponseHead head) {
  for (size_t j = below; j-- > 0;) {
    ResponseRole role = roleAt(j);
    if (role == ResponseRole::Observe) filters_[j]->observeHeaders(*this, head);
    if (role == ResponseRole::Transform) {
      filters_[j]->transformHeaders(*this, std::move(head), emitters_[j]);
      return;
    }
  }
  if (finished_ || sink_.started()) return;
  head.headers.remove("content-length");
  // Read only for an answer of unknown length: one with a length is never an event stream.
  if (!head.content_length) {
    const std::string* type = head.headers.find("content-type");
    event_stream_ = type != nullptr && startsWithIgnoreCase(*type, "text/event-stream");
  }
  sink_.begin(head.status, head.headers, head.content_length);
  // The client connection has written the head: its list reads the next upstream response.
  HeaderListPool::local().give(HeadSide::Response, head.headers.all());
}

void ActiveChain::encodeData(size_t below, std::string_view bytes) {
  for (size_t j = below; j-- > 0;) {
    ResponseRole role = roleAt(j);
    if (role == ResponseRole::Observe) filters_[j]->observeData(*this, bytes);
    if (role == ResponseRole::Transform) {
      filters_[j]->transformData(*this, bytes, emitters_[j]);
      return;
    }
  }
  if (finished_ || bytes.empty()) return;
  if (!sink_.write(bytes)) client_full_ = true;
}

void ActiveChain::encodeEnd(size_t below) {
  // The nearest transform toward the client: the observers before it see the end now, as the
  // transform may still hold the answer back (or start another attempt instead).
  size_t t = below;
  while (t > 0 && roleAt(t - 1) != ResponseRole::Transform) --t;
  if (t > 0) {
    for (size_t j = below; j-- > t;)
      if (roleAt(j) == ResponseRole::Observe) filters_[j]->observeEnd(*this, true);
    filters_[t - 1]->transformEnd(*this, emitters_[t - 1]);
    return;
  }
  // Nothing changes the answer any more: it leaves first. The sink's end hands the last bytes to
  // the socket and finishes the stream (onStreamFinished runs afterAnswerSent before the request
  // is recorded); a sink that does not finish the stream from end() gets it right after.
  observers_owed_ = true;
  end_below_ = below;
  if (!finished_) sink_.end();
  afterAnswerSent();
}

void ActiveChain::afterAnswerSent() {
  if (producer_owed_) {
    producer_owed_ = false;
    if (producer_ < filters_.size()) filters_[producer_]->onAnswerSent(*this);
  }
  if (!observers_owed_) return;
  observers_owed_ = false;
  for (size_t j = end_below_; j-- > 0;)
    if (roleAt(j) == ResponseRole::Observe) filters_[j]->observeEnd(*this, true);
}

void ActiveChain::encodeFailure(size_t below, const AnswerFailure& failure) {
  for (size_t j = below; j-- > 0;) {
    ResponseRole role = roleAt(j);
    if (role == ResponseRole::Observe) filters_[j]->observeEnd(*this, false);
    if (role == ResponseRole::Transform) {
      filters_[j]->transformFailure(*this, failure, emitters_[j]);
      return;
    }
  }
  clientFailure(failure);
}

// Nothing sent yet: a relay error in the client's format. Mid-answer: an error event, then
// the connection ends without a clean terminator.
void ActiveChain::clientFailure(const AnswerFailure& failure) {
  if (finished_) return;
  if (!sink_.started()) {
    std::string body = renderErrorBody(state_.format, failure.status, failure.message);
    Headers h;
    h.add("content-type", "application/json");
    sink_.begin(failure.status, h, body.size());
    sink_.write(body);
    sink_.end();
    return;
  }
  if (event_stream_) sink_.write(renderErrorEvent(state_.format, 502, failure.message));
  sink_.abort();  // the answer broke: no clean terminator
}

void ActiveChain::sendLocalReply(int status, std::string_view content_type, std::string body) {
  sendLocalReply(status, content_type, std::move(body), Headers());
}

void ActiveChain::sendLocalReply(int status, std::string_view content_type, std::string body,
                                 Headers extra) {
  if (finished_ || sink_.started()) return;
  size_t below = running_ ? next_ : responder_;
  ResponseHead head;
  head.status = status;
  head.headers = std::move(extra);
  head.headers.set("content-type", content_type);
  head.content_length = body.size();
  head.local = true;
  encodeHeaders(below, std::move(head));
  encodeData(below, body);
  encodeEnd(below);
}

void ActiveChain::sendError(int status, std::string_view message) {
  sendLocalReply(status, "application/json", renderErrorBody(state_.format, status, message));
}

void ActiveChain::sendErrorWithHeaders(int status, std::string_view message, const Headers& extra) {
  sendLocalReply(status, "application/json", renderErrorBody(state_.format, status, message),
                 extra);
}

void ActiveChain::onStreamFinished(const StreamStats& stats) {
  finished_ = true;
  afterAnswerSent();  // the answer's bytes were handed to the socket (or the client left)
  if (server_.on_request_finished) server_.on_request_finished(worker_, req_, state_, stats);
}

}  // namespace relay
