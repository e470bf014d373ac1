// Client TLS sessions (TLS 1.3 tickets, TLS 1.2 sessions) kept per process, keyed by everything
// that must match for a resumption to be right: so the next connection to the same upstream
// resumes (one round trip and no certificate chain to verify) instead of a full handshake, on
// whichever worker it opens. Touched only at handshake time (a session offered, a ticket
// received, a handshake failed), never per request: a mutex there costs nothing next to the
// handshake itself. Bounded; expired sessions dropped. The cache keeps its own copies, which no
// connection ever touches, so OpenSSL's writes to a connection's session never race a reader.
#pragma once

#include <openssl/ssl.h>

#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <unordered_map>

namespace relay {

class TlsSessionCache {
 public:
  // Upstream identities kept; beyond it the least recently used one is dropped.
  static constexpr size_t kMaxUpstreams = 64;
  // Sessions kept per identity: a TLS 1.3 server sends a few tickets per handshake, and a
  // burst of new connections takes one each (a single-use ticket is not linkable).
  static constexpr size_t kSessionsPerUpstream = 4;

  TlsSessionCache() = default;
  ~TlsSessionCache();
  TlsSessionCache(const TlsSessionCache&) = delete;
  TlsSessionCache& operator=(const TlsSessionCache&) = delete;

  // The process's cache (every worker's), created at its first use.
  static TlsSessionCache& shared();

  // A session to offer for `key` (a new reference the caller frees), or null. The newest one is
  // taken out while others remain (a ticket used once is not linkable); a copy of the last one
  // is handed out, so it is offered again until it expires or a newer one arrives. `now` is in
  // seconds since the epoch.
  SSL_SESSION* take(const std::string& key, int64_t now);
  // Keeps `session` (the reference is the cache's now) if it can be resumed.
  void put(const std::string& key, SSL_SESSION* session, int64_t now);
  // Drops every session of `key` (a handshake that offered one failed).
  void forget(const std::string& key);

  size_t upstreamCount() const;
  // Sets the context up to hand a copy of every new session of a connection that has a key to
  // the shared cache (client cache mode, no internal store, a new-session callback).
  static void enable(SSL_CTX* ctx);
  // The key new sessions of `ssl` are kept under (the string must outlive `ssl`).
  static void setKey(SSL* ssl, const std::string* key);
  size_t sessionCount(const std::string& key) const;

 private:
  struct Entry {
    std::deque<SSL_SESSION*> sessions;  // oldest first
    uint64_t last_used = 0;
  };
  static bool expired(const SSL_SESSION* session, int64_t now);
  void dropUnusable(Entry& entry, int64_t now);
  void evictLeastRecentlyUsed();

  mutable std::mutex mu_;  // guards everything below
  std::unordered_map<std::string, Entry> entries_;
  uint64_t clock_ = 0;  // use counter for least-recently-used eviction
};

}  // namespace relay
