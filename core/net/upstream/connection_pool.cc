#include "core/net/upstream/connection_pool.h"

#include <algorithm>

#include "core/net/upstream/http1_connection.h"
#include "core/net/upstream/http2_connection.h"

namespace relay {

ConnectionPool::ConnectionPool(uv_loop_t* loop, DnsCache& dns, PoolLimits limits)
    : loop_(loop), dns_(dns), limits_(limits), idle_reaper_(loop), reaper_(loop) {}

ConnectionPool::~ConnectionPool() = default;

ConnectionPool::Entry* ConnectionPool::entryFor(UpstreamConnection* conn) {
  auto it = entries_.find(conn);
  return it == entries_.end() ? nullptr : &it->second;
}

UpstreamConnection* ConnectionPool::withCapacity() {
  // Prefer a busy HTTP/2 connection over waking an idle one.
  if (h2_entries_ > 0) {
    for (auto& [conn, e] : entries_)
      if (conn->activeStreams() > 0 && conn->hasCapacity()) return conn;
  }
  // The most recently used: warm, and the longest idle are left to expire.
  while (!idle_.empty()) {
    UpstreamConnection* conn = idle_.back();
    idle_.pop_back();
    if (Entry* e = entryFor(conn)) e->idle = false;
    if (conn->hasCapacity()) return conn;
  }
  return nullptr;
}

void ConnectionPool::acquire(Waiter* waiter, bool fresh) {
  if (!fresh) {
    if (UpstreamConnection* conn = withCapacity()) {
      waiter->onConnectionReady(conn);
      return markIdleIfUnused(conn);  // the waiter started no stream on it
    }
  }
  last_opts_ = waiter->connectOptions();
  if (fresh) return dial(last_opts_, waiter);
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
  if (speaks_h2_) {
    entry.conn = std::make_unique<Http2Connection>(std::move(transport), this);
    entry.h2 = true;
    ++h2_entries_;
  } else {
    entry.conn = std::make_unique<Http1Connection>(std::move(transport), this);
  }
  UpstreamConnection* conn = entry.conn.get();
  entries_.emplace(conn, std::move(entry));
  if (dedicated != nullptr) {
    dedicated->onConnectionReady(conn);
  } else if (!waiters_.empty()) {
    Waiter* w = waiters_.front();
    waiters_.pop_front();
    w->onConnectionReady(conn);
  }
  dispatchWaiters();
  markIdleIfUnused(conn);  // nobody took it: its waiter went away
  dialForWaiters();
}

void ConnectionPool::dispatchWaiters() {
  while (!waiters_.empty()) {
    UpstreamConnection* conn = withCapacity();
    if (conn == nullptr) return;
    Waiter* w = waiters_.front();
    waiters_.pop_front();
    w->onConnectionReady(conn);
    markIdleIfUnused(conn);
  }
}

void ConnectionPool::onConnectionAvailable(UpstreamConnection* conn) {
  dispatchWaiters();
  markIdleIfUnused(conn);
}

void ConnectionPool::markIdleIfUnused(UpstreamConnection* conn) {
  Entry* e = entryFor(conn);  // gone when a callback closed it
  if (e == nullptr || e->idle || conn->activeStreams() > 0 || !conn->hasCapacity()) return;
  if (idle_.size() >= limits_.max_idle_connections) return conn->close();
  pushIdle(*e);
}

void ConnectionPool::pushIdle(Entry& entry) {
  entry.idle = true;
  entry.idle_since_ms = uv_now(loop_);
  idle_.push_back(entry.conn.get());
  if (!idle_reaper_.active())
    idle_reaper_.start(static_cast<uint64_t>(limits_.idle_timeout_ms), [this] { reapIdle(); });
}

void ConnectionPool::reapIdle() {
  uint64_t now = uv_now(loop_);
  uint64_t timeout = static_cast<uint64_t>(std::max(limits_.idle_timeout_ms, 0));
  size_t expired = 0;
  while (expired < idle_.size()) {
    Entry* e = entryFor(idle_[expired]);
    if (e != nullptr && now - e->idle_since_ms < timeout) break;
    if (e != nullptr) e->idle = false;
    ++expired;
  }
  std::vector<UpstreamConnection*> closing(idle_.begin(),
                                           idle_.begin() + static_cast<std::ptrdiff_t>(expired));
  idle_.erase(idle_.begin(), idle_.begin() + static_cast<std::ptrdiff_t>(expired));
  for (UpstreamConnection* conn : closing)
    if (entryFor(conn) != nullptr) conn->close();
  if (!idle_.empty()) {
    uint64_t since = entryFor(idle_.front())->idle_since_ms;
    idle_reaper_.start(since + timeout - now, [this] { reapIdle(); });
  }
}

void ConnectionPool::onConnectionClosed(UpstreamConnection* conn) {
  auto it = entries_.find(conn);
  if (it == entries_.end()) return;
  if (it->second.idle) std::erase(idle_, conn);
  if (it->second.h2) --h2_entries_;
  // The connection may be on the stack (this is its callback): free it on the next turn.
  dead_.push_back(std::move(it->second.conn));
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
