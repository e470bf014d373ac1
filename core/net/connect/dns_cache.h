// Per-loop asynchronous name resolution (uv_getaddrinfo) with a short positive cache.
#pragma once

#include <sys/socket.h>
#include <uv.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace relay {

struct DnsEntry;
struct DnsRequest;

// One pending lookup; destroying or cancel()ing it means the callback is never called.
class DnsLookup {
 public:
  virtual ~DnsLookup() = default;
  virtual void cancel() = 0;
};

class DnsCache {
 public:
  // addresses: IPv4 and IPv6, in resolver order, with `port` filled in. Empty on failure,
  // and then error says why ("does not resolve (unknown node or service)").
  using Callback = std::function<void(std::vector<sockaddr_storage> addresses, std::string error)>;

  explicit DnsCache(uv_loop_t* loop, uint64_t ttl_ms = 30000);
  ~DnsCache();  // in-flight lookups are abandoned; their callbacks are never called
  DnsCache(const DnsCache&) = delete;
  DnsCache& operator=(const DnsCache&) = delete;

  // IP literals and fresh cache hits call `done` synchronously, before resolve() returns
  // (the returned lookup is then null); otherwise `done` runs later on the loop.
  std::unique_ptr<DnsLookup> resolve(const std::string& host, uint16_t port, Callback done);

  // True when `host` is an IPv4 or IPv6 literal (brackets not allowed).
  static bool isIpLiteral(const std::string& host);
  size_t cachedHostCount() const { return entries_.size(); }
  size_t lookupsStarted() const { return lookups_started_; }

 private:
  friend struct DnsRequest;
  friend class PendingDnsLookup;
  void finish(DnsRequest* request, int status, struct addrinfo* result);

  uv_loop_t* loop_;
  uint64_t ttl_ms_;
  size_t lookups_started_ = 0;
  std::map<std::string, std::unique_ptr<DnsEntry>> entries_;
  std::map<std::string, DnsRequest*> in_flight_;
};

}  // namespace relay
