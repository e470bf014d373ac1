#include "core/net/connect/tls_session_cache.h"

#include <algorithm>
#include <ctime>

namespace relay {

TlsSessionCache::~TlsSessionCache() {
  for (auto& [key, entry] : entries_) {
    for (SSL_SESSION* s : entry.sessions) SSL_SESSION_free(s);
  }
}

namespace {

// Called by OpenSSL on the thread reading the connection: at the end of a TLS 1.2 handshake, or
// for each TLS 1.3 NewSessionTicket (they arrive after the handshake, with the first response).
// The cache keeps a copy: the connection's own session stays the connection's (OpenSSL may still
// mark it, e.g. not resumable when the connection ends uncleanly, on its own thread).
int onNewSession(SSL* ssl, SSL_SESSION* session) {
  const auto* key = static_cast<const std::string*>(SSL_get_app_data(ssl));
  if (key == nullptr || key->empty()) return 0;
  TlsSessionCache::shared().put(*key, SSL_SESSION_dup(session),
                                static_cast<int64_t>(std::time(nullptr)));
  return 0;  // OpenSSL keeps its reference
}

}  // namespace

void TlsSessionCache::enable(SSL_CTX* ctx) {
  SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL_STORE);
  SSL_CTX_sess_set_new_cb(ctx, onNewSession);
}

void TlsSessionCache::setKey(SSL* ssl, const std::string* key) {
  SSL_set_app_data(ssl, const_cast<std::string*>(key));
}

TlsSessionCache& TlsSessionCache::shared() {
  // Created at the first handshake, after OpenSSL's init: destroyed before OpenSSL's own exit
  // cleanup, once the workers have stopped.
  static TlsSessionCache cache;
  return cache;
}

size_t TlsSessionCache::upstreamCount() const {
  std::lock_guard<std::mutex> lock(mu_);
  return entries_.size();
}

bool TlsSessionCache::expired(const SSL_SESSION* session, int64_t now) {
  // TLS 1.3: the timeout is the ticket's lifetime hint, set by OpenSSL when the ticket arrived.
  int64_t end = static_cast<int64_t>(SSL_SESSION_get_time(session)) +
                static_cast<int64_t>(SSL_SESSION_get_timeout(session));
  return now >= end;
}

void TlsSessionCache::dropUnusable(Entry& entry, int64_t now) {
  // OpenSSL marks a session it replaced with a newer ticket (or used) as not resumable.
  std::erase_if(entry.sessions, [&](SSL_SESSION* s) {
    if (!expired(s, now) && SSL_SESSION_is_resumable(s) == 1) return false;
    SSL_SESSION_free(s);
    return true;
  });
}

SSL_SESSION* TlsSessionCache::take(const std::string& key, int64_t now) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = entries_.find(key);
  if (it == entries_.end()) return nullptr;
  Entry& entry = it->second;
  dropUnusable(entry, now);
  if (entry.sessions.empty()) {
    entries_.erase(it);
    return nullptr;
  }
  entry.last_used = ++clock_;
  SSL_SESSION* newest = entry.sessions.back();
  if (entry.sessions.size() > 1) {
    entry.sessions.pop_back();  // the cache's reference becomes the caller's
    return newest;
  }
  // The last one is lent as a copy: a connection that resumes with a session may leave it
  // marked as used, and a server that sends no new ticket on resumption still resumes next time.
  return SSL_SESSION_dup(newest);
}

void TlsSessionCache::put(const std::string& key, SSL_SESSION* session, int64_t now) {
  if (session == nullptr) return;
  if (key.empty() || SSL_SESSION_is_resumable(session) != 1 || expired(session, now)) {
    SSL_SESSION_free(session);
    return;
  }
  std::lock_guard<std::mutex> lock(mu_);
  auto it = entries_.find(key);
  if (it == entries_.end()) {
    if (entries_.size() >= kMaxUpstreams) evictLeastRecentlyUsed();
    it = entries_.emplace(key, Entry{}).first;
  }
  Entry& entry = it->second;
  entry.last_used = ++clock_;
  dropUnusable(entry, now);
  entry.sessions.push_back(session);
  while (entry.sessions.size() > kSessionsPerUpstream) {
    SSL_SESSION_free(entry.sessions.front());
    entry.sessions.pop_front();
  }
}

void TlsSessionCache::forget(const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = entries_.find(key);
  if (it == entries_.end()) return;
  for (SSL_SESSION* s : it->second.sessions) SSL_SESSION_free(s);
  entries_.erase(it);
}

size_t TlsSessionCache::sessionCount(const std::string& key) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = entries_.find(key);
  return it == entries_.end() ? 0 : it->second.sessions.size();
}

void TlsSessionCache::evictLeastRecentlyUsed() {
  auto oldest = std::min_element(
      entries_.begin(), entries_.end(),
      [](const auto& a, const auto& b) { return a.second.last_used < b.second.last_used; });
  if (oldest == entries_.end()) return;
  for (SSL_SESSION* s : oldest->second.sessions) SSL_SESSION_free(s);
  entries_.erase(oldest);
}

}  // namespace relay
