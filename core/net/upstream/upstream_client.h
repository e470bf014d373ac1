// The HTTP client provider plugins use: one per loop, owning its connection pools and DNS cache.
#pragma once

#include <uv.h>

#include <map>
#include <memory>
#include <string>
#include <unordered_map>

#include "core/net/connect/dns_cache.h"
#include "core/net/upstream/connection_pool.h"
#include "core/net/upstream/upstream_call.h"
#include "core/net/upstream/upstream_request.h"

namespace relay {

struct UpstreamClientOptions {
  PoolLimits pool;
};

class UpstreamClient {
 public:
  explicit UpstreamClient(uv_loop_t* loop, UpstreamClientOptions options = {});
  // Every UpstreamCall from this client must be destroyed first.
  ~UpstreamClient();
  UpstreamClient(const UpstreamClient&) = delete;
  UpstreamClient& operator=(const UpstreamClient&) = delete;

  // Starts the exchange; `handler` must outlive the returned call. No handler callback runs
  // before send() returns (an invalid URL is reported on the next loop turn).
  std::unique_ptr<UpstreamCall> send(UpstreamRequest&& request, UpstreamResponseHandler* handler);

  // An empty string with the memory of a URL an earlier send() was done with (a call keeps the
  // parsed URL only): a caller builds the next request's url in it instead of a new string.
  std::string takeUrlBuffer() {
    std::string s;
    s.swap(spare_url_);
    return s;
  }

  DnsCache& dns() { return dns_; }
  uv_loop_t* loop() const { return loop_; }
  // Open connections over all pools (for tests and metrics).
  size_t connectionCount() const;

 private:
  ConnectionPool& poolFor(const UpstreamRequest& request, const UpstreamUrl& url);
  // The parsed URL, shared by every call to it: an account's requests all go to a few URLs.
  std::shared_ptr<const UpstreamUrl> parsedUrl(const std::string& url, std::string* error);
  // A target other than the last one: its parse and pool (nullptr with *error when the URL does
  // not parse), remembered as the last target when no proxy is involved. Out of line: a repeat
  // of the last target (nearly every request) runs none of it.
  [[gnu::noinline]] ConnectionPool* resolveTarget(const UpstreamRequest& request,
                                                  std::shared_ptr<const UpstreamUrl>& url,
                                                  std::string* error);

  uv_loop_t* loop_;
  DnsCache dns_;
  UpstreamClientOptions options_;
  std::map<std::string, std::unique_ptr<ConnectionPool>, std::less<>> pools_;
  std::string pool_key_;  // scratch for poolFor()
  // The last request's target without a proxy (an account's requests repeat it): its URL and CA
  // file, their parse and pool, so a repeat looks up neither. The parse is held: never evicted.
  struct LastTarget {
    std::string url;
    std::string ca_file;
    std::shared_ptr<const UpstreamUrl> parsed;
    ConnectionPool* pool = nullptr;
  };
  LastTarget last_;
  std::string spare_url_;  // see takeUrlBuffer()
  static constexpr size_t kMaxCachedUrls = 64;
  std::unordered_map<std::string, std::shared_ptr<const UpstreamUrl>> urls_;
};

}  // namespace relay
