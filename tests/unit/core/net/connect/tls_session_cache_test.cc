// TlsSessionCache: what it offers for a key, bounds, expiry. Sessions are made by hand (an id
// makes them resumable); tls_connect_test.cc resumes real ones against a node server.
#include "core/net/connect/tls_session_cache.h"

#include <string>
#include <thread>

#include "doctest/doctest.h"

using namespace relay;

namespace {

constexpr int64_t kNow = 1'800'000'000;

SSL_SESSION* makeSession(unsigned char id, int64_t created = kNow, long lifetime = 300) {
  SSL_SESSION* s = SSL_SESSION_new();
  SSL_SESSION_set1_id(s, &id, 1);
  SSL_SESSION_set_protocol_version(s, TLS1_3_VERSION);
  SSL_SESSION_set_time(s, static_cast<long>(created));
  SSL_SESSION_set_timeout(s, lifetime);
  return s;
}

unsigned char idOf(SSL_SESSION* s) {
  unsigned int len = 0;
  const unsigned char* id = SSL_SESSION_get_id(s, &len);
  return len == 1 ? id[0] : 0;
}

// Takes a session for `key` and returns its id (0: none), freeing the caller's reference.
unsigned char takeId(TlsSessionCache& cache, const std::string& key, int64_t now = kNow) {
  SSL_SESSION* s = cache.take(key, now);
  if (s == nullptr) return 0;
  unsigned char id = idOf(s);
  SSL_SESSION_free(s);
  return id;
}

}  // namespace

TEST_CASE("a session is offered only under its own key") {
  TlsSessionCache cache;
  cache.put("a.example\n443", makeSession(1), kNow);
  CHECK(takeId(cache, "b.example\n443") == 0);
  CHECK(takeId(cache, "a.example\n8443") == 0);
  CHECK(takeId(cache, "a.example\n443") == 1);
}

TEST_CASE("the newest session is taken while others remain; the last one is offered again") {
  TlsSessionCache cache;
  cache.put("k", makeSession(1), kNow);
  cache.put("k", makeSession(2), kNow);
  cache.put("k", makeSession(3), kNow);
  CHECK(takeId(cache, "k") == 3);
  CHECK(takeId(cache, "k") == 2);
  CHECK(cache.sessionCount("k") == 1);
  CHECK(takeId(cache, "k") == 1);
  CHECK(takeId(cache, "k") == 1);
  CHECK(cache.sessionCount("k") == 1);
}

TEST_CASE("at most kSessionsPerUpstream sessions per key: the oldest go") {
  TlsSessionCache cache;
  for (unsigned char id = 1; id <= TlsSessionCache::kSessionsPerUpstream + 2; ++id)
    cache.put("k", makeSession(id), kNow);
  CHECK(cache.sessionCount("k") == TlsSessionCache::kSessionsPerUpstream);
  for (size_t i = 0; i + 1 < TlsSessionCache::kSessionsPerUpstream; ++i) takeId(cache, "k");
  CHECK(takeId(cache, "k") == 3);  // 1 and 2 were dropped
}

TEST_CASE("expired sessions are never offered and are dropped") {
  TlsSessionCache cache;
  cache.put("k", makeSession(1, kNow - 400, 300), kNow);  // already expired: not kept
  CHECK(cache.sessionCount("k") == 0);
  cache.put("k", makeSession(2, kNow, 300), kNow);
  CHECK(takeId(cache, "k", kNow + 299) == 2);
  CHECK(takeId(cache, "k", kNow + 300) == 0);
  CHECK(cache.upstreamCount() == 0);
}

TEST_CASE("a session that cannot be resumed is not kept") {
  TlsSessionCache cache;
  SSL_SESSION* s = SSL_SESSION_new();  // no id, no ticket
  SSL_SESSION_set_time(s, static_cast<long>(kNow));
  SSL_SESSION_set_timeout(s, 300);
  cache.put("k", s, kNow);
  CHECK(cache.upstreamCount() == 0);
}

TEST_CASE("forget drops a key's sessions") {
  TlsSessionCache cache;
  cache.put("k", makeSession(1), kNow);
  cache.put("k", makeSession(2), kNow);
  cache.forget("k");
  CHECK(takeId(cache, "k") == 0);
}

TEST_CASE("at most kMaxUpstreams keys: the least recently used one goes") {
  TlsSessionCache cache;
  for (size_t i = 0; i < TlsSessionCache::kMaxUpstreams; ++i) {
    std::string key(1, 'k');
    key.append(std::to_string(i));
    cache.put(key, makeSession(static_cast<unsigned char>(i + 1)), kNow);
  }
  takeId(cache, "k0");  // k0 is used: k1 is now the least recently used
  cache.put("new", makeSession(200), kNow);
  CHECK(cache.upstreamCount() == TlsSessionCache::kMaxUpstreams);
  CHECK(cache.sessionCount("k1") == 0);
  CHECK(cache.sessionCount("k0") == 1);
  CHECK(takeId(cache, "new") == 200);
}

TEST_CASE("the shared cache offers on one thread a session kept on another") {
  // Workers are threads: the second worker's first connection resumes the first worker's session.
  const std::string key = "shared.example\n443\nthreads";
  std::thread first([&] { TlsSessionCache::shared().put(key, makeSession(7), kNow); });
  first.join();
  unsigned char taken = 0;
  std::thread second([&] { taken = takeId(TlsSessionCache::shared(), key); });
  second.join();
  CHECK(taken == 7);
  TlsSessionCache::shared().forget(key);
  CHECK(TlsSessionCache::shared().sessionCount(key) == 0);
}
