#include "core/net/upstream/upstream_client.h"

#include "core/net/upstream/upstream_exchange.h"

namespace relay {

UpstreamClient::UpstreamClient(uv_loop_t* loop, UpstreamClientOptions options)
    : loop_(loop), dns_(loop), options_(options) {}

UpstreamClient::~UpstreamClient() = default;

std::unique_ptr<UpstreamCall> UpstreamClient::send(UpstreamRequest request,
                                                   UpstreamResponseHandler* handler) {
  std::string url_error;
  std::optional<UpstreamUrl> url = parseUpstreamUrl(request.url, &url_error);
  ConnectionPool* pool = url ? &poolFor(request, *url) : nullptr;
  auto call = std::make_unique<UpstreamExchange>(loop_, pool, std::move(request), std::move(url),
                                                 std::move(url_error), handler);
  call->start();
  return call;
}

ConnectionPool& UpstreamClient::poolFor(const UpstreamRequest& request, const UpstreamUrl& url) {
  // Everything that changes what is at the other end of the socket separates pools.
  std::string key = (url.tls ? "https\n" : "http\n") + url.host + "\n" + std::to_string(url.port);
  key += "\n" + request.ca_file;
  if (const auto& p = request.proxy) {
    key += "\n" + p->type + "\n" + p->host + "\n" + std::to_string(p->port) + "\n" + p->username +
           "\n" + p->password;
  }
  auto& pool = pools_[key];
  if (!pool) pool = std::make_unique<ConnectionPool>(loop_, dns_, options_.pool);
  return *pool;
}

size_t UpstreamClient::connectionCount() const {
  size_t n = 0;
  for (const auto& [key, pool] : pools_) n += pool->connectionCount();
  return n;
}

}  // namespace relay
