#include "core/net/upstream/connection_pool.h"

#include <algorithm>

#include "core/net/upstream/http1_connection.h"
#include "core/net/upstream/http2_connection.h"

namespace relay {

ConnectionPool::ConnectionPool(uv_loop_t* loop, DnsCache& dns, PoolLimits limits)
    : loop_(loop), dns_(dns), limits_(limits), reaper_(loop) {}

ConnectionPool::~ConnectionPool() = default;

ConnectionPool::Entry* ConnectionPool::entryFor(UpstreamConnection* conn) {
  for (Entry& e : entries_)
    if (e.conn.get() == conn) return &e;
  return nullptr;
}

UpstreamConnection* ConnectionPool::withCapacity() {
  // Prefer a busy HTTP/2 connection over waking an idle one, then any with room.
  for (Entry& e : entries_)
    if (e.conn->hasCapacity() && e.conn->activeStreams() > 0) return e.conn.get();
  for (Entry& e : entries_)
    if (e.conn->hasCapacity()) return e.conn.get();
  return nullptr;
}

void ConnectionPool::acquire(Waiter* waiter, const ConnectOptions& opts, bool fresh) {
  last_opts_ = opts;
  if (fresh) return dial(opts, waiter);
  if (UpstreamConnection* conn = withCapacity()) {
    if (Entry* e = entryFor(conn)) e->idle_timer->stop();
    return waiter->onConnectionReady(conn);
  }
  waiters_.push_back(waiter);
  dialForWaiters();
}

void ConnectionPool::cancelWait(Waiter* waiter) {
  std::erase(waiters_, waiter);
  std::erase_if(dials_, [&](const std::unique_ptr<Dial>& d) { return d->dedicated == waiter; });
}

void ConnectionPool::dialForWaiters() {
  size_t shared_dials = static_cast<size_t>(std::count_if(
      dials_.begin(), dials_.end(), [](const auto& d) { return d->dedicated == nullptr; }));
  // HTTP/1.1 needs one connection per waiter; an h2 upstream multiplexes them on one, and
  // until a TLS upstream's first handshake tells which it is, one dial is tried first.
  bool one_dial = speaks_h2_ || (last_opts_.tls && !protocol_known_);
  size_t wanted = one_dial ? std::min<size_t>(waiters_.size(), 1) : waiters_.size();
  while (shared_dials < wanted) {
    dial(last_opts_, nullptr);
    ++shared_dials;
  }
}

void ConnectionPool::dial(const ConnectOptions& opts, Waiter* dedicated) {
  auto d = std::make_unique<Dial>();
  Dial* raw = d.get();
  d->dedicated = dedicated;
  dials_.push_back(std::move(d));
  raw->attempt = connectTransport(
      loop_, dns_, opts,
      [this, raw](std::unique_ptr<Transport> t, std::optional<TransportError> err) {
        onDialed(raw, std::move(t), std::move(err));
      });
}

void ConnectionPool::onDialed(Dial* dial, std::unique_ptr<Transport> transport,
                              std::optional<TransportError> error) {
  Waiter* dedicated = dial->dedicated;
  auto it = std::find_if(dials_.begin(), dials_.end(),
                         [&](const std::unique_ptr<Dial>& d) { return d.get() == dial; });
  // The attempt object is inside its own callback: free it on the next loop turn.
  if (it != dials_.end()) {
    finished_dials_.push_back(std::move(*it));
    dials_.erase(it);
    scheduleReap();
  }
  if (error) {
    Waiter* victim = dedicated;
    if (victim == nullptr && !waiters_.empty()) {
      victim = waiters_.front();
      waiters_.pop_front();
    }
    if (victim != nullptr) victim->onConnectionFailed(*error);
    dialForWaiters();
    return;
  }
  speaks_h2_ = transport->alpn() == "h2";
  protocol_known_ = true;
  Entry entry;
  entry.idle_timer = std::make_unique<UvTimer>(loop_);
  if (speaks_h2_)
    entry.conn = std::make_unique<Http2Connection>(std::move(transport), this);
  else
    entry.conn = std::make_unique<Http1Connection>(std::move(transport), this);
  UpstreamConnection* conn = entry.conn.get();
  entries_.push_back(std::move(entry));
  if (dedicated != nullptr) dedicated->onConnectionReady(conn);
  dispatchWaiters();
  dialForWaiters();
}

void ConnectionPool::dispatchWaiters() {
  while (!waiters_.empty()) {
    UpstreamConnection* conn = withCapacity();
    if (conn == nullptr) return;
    if (Entry* e = entryFor(conn)) e->idle_timer->stop();
    Waiter* w = waiters_.front();
    waiters_.pop_front();
    w->onConnectionReady(conn);
  }
}

void ConnectionPool::onConnectionAvailable(UpstreamConnection* conn) {
  dispatchWaiters();
  if (Entry* e = entryFor(conn)) markIdleIfUnused(*e);
}

void ConnectionPool::markIdleIfUnused(Entry& entry) {
  if (entry.conn->activeStreams() > 0 || !entry.conn->hasCapacity()) return;
  size_t idle = static_cast<size_t>(std::count_if(entries_.begin(), entries_.end(), [](auto& e) {
    return e.conn->activeStreams() == 0 && e.conn->isOpen();
  }));
  if (idle > limits_.max_idle_connections) return entry.conn->close();
  UpstreamConnection* conn = entry.conn.get();
  entry.idle_timer->start(static_cast<uint64_t>(limits_.idle_timeout_ms),
                          [conn] { conn->close(); });
}

void ConnectionPool::onConnectionClosed(UpstreamConnection* conn) {
  auto it = std::find_if(entries_.begin(), entries_.end(),
                         [&](const Entry& e) { return e.conn.get() == conn; });
  if (it == entries_.end()) return;
  // The connection may be on the stack (this is its callback): free it on the next turn.
  dead_.push_back(std::move(it->conn));
  entries_.erase(it);
  scheduleReap();
}

void ConnectionPool::scheduleReap() {
  if (reaper_.active()) return;
  reaper_.start(0, [this] {
    dead_.clear();
    finished_dials_.clear();
  });
}

}  // namespace relay
