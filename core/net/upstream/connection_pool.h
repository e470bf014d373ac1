// The connections to one (scheme, host, port, proxy, TLS settings): reuse, limits, idle expiry.
#pragma once

#include <uv.h>

#include <deque>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/net/connect/connector.h"
#include "core/net/upstream/upstream_connection.h"
#include "core/net/upstream/uv_timer.h"

namespace relay {

struct PoolLimits {
  size_t max_idle_connections = 256;  // idle HTTP/1.1 keep-alive connections kept per key
  int idle_timeout_ms = 60000;        // an idle connection is closed after this long
};

class ConnectionPool final : public UpstreamConnection::Owner {
 public:
  // Someone waiting for a connection; exactly one callback arrives unless cancelWait() ran.
  class Waiter {
   public:
    virtual ~Waiter() = default;
    virtual void onConnectionReady(UpstreamConnection* conn) = 0;
    virtual void onConnectionFailed(const TransportError& error) = 0;
    // How to dial for this waiter: asked only when no pooled connection serves it.
    virtual ConnectOptions connectOptions() const = 0;
  };

  ConnectionPool(uv_loop_t* loop, DnsCache& dns, PoolLimits limits);
  ~ConnectionPool() override;

  // `fresh`: never reuse, dial a new connection for this waiter (the retry after a dead one).
  // May call the waiter back before returning when a pooled connection has room.
  void acquire(Waiter* waiter, bool fresh);
  void cancelWait(Waiter* waiter);

  size_t connectionCount() const { return entries_.size(); }
  size_t idleCount() const { return idle_.size(); }

 private:
  struct Entry {
    std::unique_ptr<UpstreamConnection> conn;
    bool h2 = false;
    bool idle = false;           // in idle_
    uint64_t idle_since_ms = 0;  // loop time it went idle
  };
  struct Dial {
    std::unique_ptr<ConnectAttempt> attempt;
    Waiter* dedicated = nullptr;  // a fresh-connection waiter this dial belongs to
  };

  void onConnectionAvailable(UpstreamConnection* conn) override;
  void onConnectionClosed(UpstreamConnection* conn) override;

  // A connection with room: a busy HTTP/2 one, else the most recently idle one. Constant time
  // for HTTP/1.1 pools, however many connections are open (one per in-flight stream).
  UpstreamConnection* withCapacity();
  void dial(const ConnectOptions& opts, Waiter* dedicated);
  void onDialed(Dial* dial, std::unique_ptr<Transport> transport,
                std::optional<TransportError> error);
  void dispatchWaiters();
  void dialForWaiters();
  void markIdleIfUnused(UpstreamConnection* conn);
  void pushIdle(Entry& entry);
  void reapIdle();
  Entry* entryFor(UpstreamConnection* conn);
  void scheduleReap();

  uv_loop_t* loop_;
  DnsCache& dns_;
  PoolLimits limits_;
  ConnectOptions last_opts_;  // template for dials started on behalf of queued waiters
  bool speaks_h2_ = false;    // the last connection negotiated h2: one dial serves many
  bool protocol_known_ = false;
  std::unordered_map<UpstreamConnection*, Entry> entries_;
  size_t h2_entries_ = 0;
  // Idle connections, longest idle first; one timer closes those idle for idle_timeout_ms (no
  // timer started and stopped per request).
  std::vector<UpstreamConnection*> idle_;
  UvTimer idle_reaper_;
  std::vector<std::unique_ptr<Dial>> dials_;
  std::deque<Waiter*> waiters_;
  // Freed on the next loop turn: they may still be on the stack when retired.
  std::vector<std::unique_ptr<UpstreamConnection>> dead_;
  std::vector<std::unique_ptr<Dial>> finished_dials_;
  UvTimer reaper_;
};

}  // namespace relay
