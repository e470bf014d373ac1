#include "core/net/connect/dns_cache.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>

#include <cstring>
#include <utility>

namespace relay {

struct DnsEntry {
  std::vector<sockaddr_storage> addresses;  // port 0
  uint64_t expires_ms = 0;
};

class PendingDnsLookup;

// One uv_getaddrinfo in flight; shared by every lookup of the same host. Freed in its callback.
struct DnsRequest {
  uv_getaddrinfo_t req;
  DnsCache* cache = nullptr;  // null once the cache is gone
  std::string host;
  std::vector<PendingDnsLookup*> waiters;
};

class PendingDnsLookup : public DnsLookup {
 public:
  PendingDnsLookup(DnsRequest* request, uint16_t port, DnsCache::Callback done)
      : request_(request), port_(port), done_(std::move(done)) {
    request_->waiters.push_back(this);
  }
  ~PendingDnsLookup() override { cancel(); }
  void cancel() override {
    if (request_ == nullptr) return;
    auto& w = request_->waiters;
    for (auto it = w.begin(); it != w.end(); ++it) {
      if (*it == this) {
        w.erase(it);
        break;
      }
    }
    request_ = nullptr;
    done_ = nullptr;
  }
  // The cache is going away: never call back.
  void detach() {
    request_ = nullptr;
    done_ = nullptr;
  }
  // Called once by the request; detaches first so `done` may destroy this lookup.
  void complete(std::vector<sockaddr_storage> addresses, const std::string& error);

 private:
  DnsRequest* request_;
  uint16_t port_;
  DnsCache::Callback done_;
};

namespace {

void setPort(sockaddr_storage& address, uint16_t port) {
  if (address.ss_family == AF_INET) {
    reinterpret_cast<sockaddr_in*>(&address)->sin_port = htons(port);
  } else if (address.ss_family == AF_INET6) {
    reinterpret_cast<sockaddr_in6*>(&address)->sin6_port = htons(port);
  }
}

std::vector<sockaddr_storage> withPort(std::vector<sockaddr_storage> addresses, uint16_t port) {
  for (auto& a : addresses) setPort(a, port);
  return addresses;
}

bool parseLiteral(const std::string& host, sockaddr_storage& out) {
  std::memset(&out, 0, sizeof out);
  auto* v4 = reinterpret_cast<sockaddr_in*>(&out);
  if (inet_pton(AF_INET, host.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    return true;
  }
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&out);
  if (inet_pton(AF_INET6, host.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    return true;
  }
  return false;
}

}  // namespace

void PendingDnsLookup::complete(std::vector<sockaddr_storage> addresses, const std::string& error) {
  DnsCache::Callback done = std::move(done_);
  request_ = nullptr;
  done_ = nullptr;
  if (done) done(withPort(std::move(addresses), port_), error);
}

DnsCache::DnsCache(uv_loop_t* loop, uint64_t ttl_ms) : loop_(loop), ttl_ms_(ttl_ms) {}

DnsCache::~DnsCache() {
  for (auto& [host, request] : in_flight_) {
    request->cache = nullptr;
    for (PendingDnsLookup* w : request->waiters) w->detach();
    request->waiters.clear();
    uv_cancel(reinterpret_cast<uv_req_t*>(&request->req));
  }
}

bool DnsCache::isIpLiteral(const std::string& host) {
  sockaddr_storage unused;
  return parseLiteral(host, unused);
}

std::unique_ptr<DnsLookup> DnsCache::resolve(const std::string& host, uint16_t port,
                                             Callback done) {
  sockaddr_storage literal;
  if (parseLiteral(host, literal)) {
    done(withPort({literal}, port), "");
    return nullptr;
  }
  auto cached = entries_.find(host);
  if (cached != entries_.end()) {
    if (cached->second->expires_ms > uv_now(loop_)) {
      done(withPort(cached->second->addresses, port), "");
      return nullptr;
    }
    entries_.erase(cached);
  }
  auto flying = in_flight_.find(host);
  if (flying != in_flight_.end()) {
    return std::make_unique<PendingDnsLookup>(flying->second, port, std::move(done));
  }
  auto* request = new DnsRequest;
  request->cache = this;
  request->host = host;
  request->req.data = request;
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_ADDRCONFIG;
  int rc = uv_getaddrinfo(
      loop_, &request->req,
      [](uv_getaddrinfo_t* req, int status, addrinfo* result) {
        auto* r = static_cast<DnsRequest*>(req->data);
        if (r->cache != nullptr) r->cache->finish(r, status, result);
        uv_freeaddrinfo(result);
        delete r;
      },
      host.c_str(), nullptr, &hints);
  if (rc < 0) {
    delete request;
    done({}, std::string("does not resolve (") + uv_strerror(rc) + ")");
    return nullptr;
  }
  ++lookups_started_;
  in_flight_[host] = request;
  return std::make_unique<PendingDnsLookup>(request, port, std::move(done));
}

void DnsCache::finish(DnsRequest* request, int status, addrinfo* result) {
  in_flight_.erase(request->host);
  std::vector<sockaddr_storage> addresses;
  for (addrinfo* ai = status == 0 ? result : nullptr; ai != nullptr; ai = ai->ai_next) {
    if (ai->ai_family != AF_INET && ai->ai_family != AF_INET6) continue;
    sockaddr_storage a{};
    std::memcpy(&a, ai->ai_addr, ai->ai_addrlen);
    addresses.push_back(a);
  }
  std::string error;
  if (status < 0) {
    error = std::string("does not resolve (") + uv_strerror(status) + ")";
  } else if (addresses.empty()) {
    error = "does not resolve (no IPv4 or IPv6 address)";
  } else {
    auto entry = std::make_unique<DnsEntry>();
    entry->addresses = addresses;
    entry->expires_ms = uv_now(loop_) + ttl_ms_;
    entries_[request->host] = std::move(entry);
  }
  // A waiter's callback may cancel other waiters (they leave the list) or destroy the cache.
  while (!request->waiters.empty()) {
    PendingDnsLookup* w = request->waiters.front();
    request->waiters.erase(request->waiters.begin());
    w->complete(addresses, error);
  }
}

}  // namespace relay
