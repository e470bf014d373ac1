#include "core/loop/worker.h"

#include <netinet/in.h>

#include "core/chain/active_chain.h"
#include "core/loop/loop_driver.h"
#include "core/net/http1_server_conn.h"
#include "core/net/listener.h"
#include "core/obs/access_log.h"
#include "core/obs/relay_metrics.h"
#include "core/store/loop_mailbox.h"
#include "core/store/usage_sink.h"

namespace relay {

namespace {
constexpr int kBacklog = 1024;
}  // namespace

Worker::Worker(int index, const ServerContext& server, HttpServerLimits limits)
    : index_(index), server_(server), limits_(limits) {
  uv_loop_init(&loop_);
  deleter_ = std::make_unique<DeferredDeleter>(&loop_);
  context_.index = index_;
  context_.loop = &loop_;
  context_.deleter = deleter_.get();
  UpstreamClientOptions upstream_options;
  upstream_options.pool.max_idle_connections =
      static_cast<size_t>(server.config.server.upstream_keepalive_connections);
  upstream_ = std::make_unique<UpstreamClient>(&loop_, upstream_options);
  context_.upstream = upstream_.get();
  context_.mailbox = store::LoopMailbox::open(&loop_);
  usage_ = std::make_unique<store::WorkerUsage>(&loop_, server.usage.get());
  context_.usage = usage_.get();
  uv_async_init(&loop_, &drain_async_, &Worker::onDrainSignal);
  drain_async_.data = this;
  uv_timer_init(&loop_, &drain_timer_);
  drain_timer_.data = this;
  uv_tcp_init(&loop_, &listener_);
  listener_.data = this;
  uv_prepare_init(&loop_, &log_flush_);
  uv_prepare_start(&log_flush_, [](uv_prepare_t*) { flushAccessLog(); });
  uv_unref(reinterpret_cast<uv_handle_t*>(&log_flush_));
}

Worker::~Worker() {
  join();
  uv_loop_close(&loop_);
}

bool Worker::listen(std::string* error) {
  listen_fd_ = openReusePortListener(server_.config.server.host, server_.config.server.port,
                                     kBacklog, error);
  if (listen_fd_ < 0) return false;
  int rc = uv_tcp_open(&listener_, listen_fd_);
  if (rc == 0) rc = uv_listen(reinterpret_cast<uv_stream_t*>(&listener_), kBacklog, &onConnection);
  if (rc != 0) {
    *error = std::string("cannot listen: ") + uv_strerror(rc);
    return false;
  }
  return true;
}

uint16_t Worker::localPort() const {
  sockaddr_storage addr{};
  int len = sizeof addr;
  if (uv_tcp_getsockname(&listener_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) return 0;
  if (addr.ss_family == AF_INET6) return ntohs(reinterpret_cast<sockaddr_in6*>(&addr)->sin6_port);
  return ntohs(reinterpret_cast<sockaddr_in*>(&addr)->sin_port);
}

void Worker::start() {
  thread_ = std::thread([this] { run(); });
}

void Worker::join() {
  if (thread_.joinable()) thread_.join();
}

namespace {

// This worker's busy-polling series on /metrics: whether it polls, and how its polls fare (what
// server.busy_poll_us buys and costs under the traffic it sees).
BusyPollMetrics busyPollMetrics(int worker) {
  MetricsRegistry& registry = relayMetrics().registry();
  CounterFamily& polls = registry.counter(
      "relay_busy_polls_total",
      "Busy polls after a socket read: the next read came within server.busy_poll_us (caught) "
      "or the window ran out first (ran_out).",
      {"worker", "outcome"});
  GaugeFamily& polling = registry.gauge(
      "relay_busy_polling",
      "1 while the worker polls after its reads; 0 with server.busy_poll_us 0, or while polling "
      "is stopped because most polls ran out.",
      {"worker"});
  std::string id = std::to_string(worker);
  return {polls.with({id, "caught"}), polls.with({id, "ran_out"}), polling.with({id})};
}

}  // namespace

void Worker::run() {
  batchAccessLogOnThisThread();
  usage_->start();
  runLoop(&loop_, static_cast<uint64_t>(server_.config.server.busy_poll_us) * 1000,
          busyPollMetrics(index_));
  deleter_->drain();
  usage_->flush();  // requests that finished while the loop closed
  flushAccessLog();
}

void Worker::onConnection(uv_stream_t* server, int status) {
  auto* w = static_cast<Worker*>(server->data);
  if (status < 0 || w->draining_) return;
  auto* conn = new Http1ServerConnection(&w->loop_, *w);
  ConnectionBudget* budget = w->limits_.connections.get();
  if (budget != nullptr && !budget->tryAcquire()) {
    // Over server.max_connections: answer 503 at once; the open connections keep being served.
    w->refused_.insert(conn);
    if (uv_accept(server, reinterpret_cast<uv_stream_t*>(conn->tcp())) != 0) {
      conn->close();
      return;
    }
    relayMetrics().connectionRefused();
    conn->refuse(503, "the relay is at server.max_connections; retry shortly", 1);
    return;
  }
  if (uv_accept(server, reinterpret_cast<uv_stream_t*>(conn->tcp())) != 0) {
    w->connections_.insert(conn);
    conn->close();
    return;
  }
  w->connections_.insert(conn);
  relayMetrics().connectionOpened();
  conn->start();
}

void Worker::onConnectionClosed(Http1ServerConnection* conn) {
  if (refused_.erase(conn)) return;
  if (connections_.erase(conn)) {
    relayMetrics().connectionClosed();
    if (limits_.connections) limits_.connections->release();
  }
  if (draining_) maybeStop();
}

char* Worker::readBuffer(size_t* size) {
  if (!read_block_) read_block_ = ReadBlock::take();  // the last one went with a request
  *size = ReadBlock::kSize;
  return read_block_.data();
}

ReadBlock Worker::takeReadBlock() {
  return std::move(read_block_);
}

std::unique_ptr<ActiveStream> Worker::createStream(Request&& req, ResponseSink& sink) {
  return std::make_unique<ActiveChain>(std::move(req), sink, server_, context_);
}

void Worker::drain(uint64_t timeout_ms) {
  drain_timeout_ms_ = timeout_ms;
  uv_async_send(&drain_async_);
}

void Worker::onDrainSignal(uv_async_t* a) {
  auto* w = static_cast<Worker*>(a->data);
  if (w->draining_) {
    // A second request to drain shortens the wait.
    uv_timer_start(&w->drain_timer_, &Worker::onDrainTimeout, w->drain_timeout_ms_, 0);
    return;
  }
  w->beginDrain();
}

void Worker::beginDrain() {
  draining_ = true;
  if (!uv_is_closing(reinterpret_cast<uv_handle_t*>(&listener_)))
    uv_close(reinterpret_cast<uv_handle_t*>(&listener_), nullptr);
  auto snapshot = connections_;
  for (auto* c : snapshot) c->closeWhenIdle();
  uv_timer_start(&drain_timer_, &Worker::onDrainTimeout, drain_timeout_ms_, 0);
  maybeStop();
}

void Worker::onDrainTimeout(uv_timer_t* t) {
  auto* w = static_cast<Worker*>(t->data);
  auto snapshot = w->connections_;
  for (auto* c : snapshot) c->close();
  w->stopLoop();
}

void Worker::maybeStop() {
  if (draining_ && connections_.empty()) stopLoop();
}

void Worker::stopLoop() {
  if (stopping_) return;
  stopping_ = true;
  uv_close(reinterpret_cast<uv_handle_t*>(&drain_timer_), nullptr);
  uv_close(reinterpret_cast<uv_handle_t*>(&drain_async_), nullptr);
  uv_close(reinterpret_cast<uv_handle_t*>(&log_flush_), nullptr);
  if (!uv_is_closing(reinterpret_cast<uv_handle_t*>(&listener_)))
    uv_close(reinterpret_cast<uv_handle_t*>(&listener_), nullptr);
  deleter_->drain();
  deleter_->close();
  usage_->stop();  // hands its usage to the store; the timer no longer keeps the loop alive
  context_.mailbox->close();
  // Closes pooled upstream connections so the loop can end.
  context_.upstream = nullptr;
  upstream_.reset();
}

}  // namespace relay
