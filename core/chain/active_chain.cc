#include "core/chain/active_chain.h"

namespace relay {

ActiveChain::ActiveChain(Request&& req, ResponseSink& sink, const ServerContext& server,
                         WorkerContext& worker)
    : req_(std::move(req)), sink_(sink), server_(server), worker_(worker) {
  state_.start_ns = uv_hrtime();
}

ActiveChain::~ActiveChain() {
  for (auto& f : filters_) f->onDestroy();
}

void ActiveChain::start() {
  RouteLookup why = RouteLookup::NotFound;
  state_.route = server_.routes.match(req_.method, req_.path(), &why);
  if (!state_.route) {
    state_.format = guessWireFormat(req_.path());
    if (why == RouteLookup::MethodNotAllowed)
      sendError(405, "method " + req_.method + " is not allowed on " + std::string(req_.path()));
    else
      sendError(404, "no route for " + req_.method + " " + std::string(req_.path()));
    return;
  }
  state_.format = state_.route->format;
  filters_ = state_.route->chain->createFilters();
  run();
}

void ActiveChain::run() {
  running_ = true;
  while (!finished_ && next_ < filters_.size()) {
    resume_ = false;
    FilterStatus st = filters_[next_]->onRequest(*this);
    if (finished_) break;
    if (jumped_) {
      jumped_ = false;
      continue;
    }
    if (st == FilterStatus::Stop && !resume_) {
      running_ = false;
      return;  // the filter resumes us later through continueChain()
    }
    ++next_;
  }
  running_ = false;
  if (!finished_ && !sink_.started())
    sendError(500, "route " + state_.route->path + ": filter chain '" +
                       state_.route->chain->name() + "' ended without producing a response");
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

bool ActiveChain::restartFrom(std::string_view filter_name) {
  if (finished_) return false;
  const auto& names = state_.route->chain->filterNames();
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i] != filter_name) continue;
    next_ = i;
    if (running_) {
      jumped_ = true;
    } else {
      run();
    }
    return true;
  }
  return false;
}

void ActiveChain::sendLocalReply(int status, std::string_view content_type, std::string body) {
  if (finished_ || sink_.started()) return;
  Headers h;
  h.add("content-type", content_type);
  sink_.begin(status, h, body.size());
  sink_.write(body);
  sink_.end();
}

void ActiveChain::sendError(int status, std::string_view message) {
  sendLocalReply(status, "application/json", renderErrorBody(state_.format, status, message));
}

void ActiveChain::onStreamFinished(const StreamStats& stats) {
  finished_ = true;
  if (server_.on_request_finished) server_.on_request_finished(req_, state_, stats);
}

}  // namespace relay
