#include "core/net/upstream/upstream_client.h"

#include "core/net/upstream/upstream_exchange.h"

namespace relay {

UpstreamClient::UpstreamClient(uv_loop_t* loop, UpstreamClientOptions options)
    : loop_(loop), dns_(loop), options_(options) {}

UpstreamClient::~UpstreamClient() = default;

std::unique_ptr<UpstreamCall> UpstreamClient::send(UpstreamRequest&& request,
                                                   UpstreamResponseHandler* handler) {
  std::string url_error;
  std::shared_ptr<const UpstreamUrl> url;
  ConnectionPool* pool = nullptr;
  if (last_.pool != nullptr && !request.proxy && request.url == last_.url &&
      request.ca_file == last_.ca_file) {
    url = last_.parsed;
    pool = last_.pool;
  } else {
    pool = resolveTarget(request, url, &url_error);
  }
  if (url) {  // the call works from the parsed URL: the string serves the next request
    request.url.clear();
    spare_url_.swap(request.url);
  }
  auto call = std::make_unique<UpstreamExchange>(loop_, pool, std::move(request), std::move(url),
                                                 std::move(url_error), handler);
  call->start();
  return call;
}

ConnectionPool* UpstreamClient::resolveTarget(const UpstreamRequest& request,
                                              std::shared_ptr<const UpstreamUrl>& url,
                                              std::string* error) {
  url = parsedUrl(request.url, error);
  ConnectionPool* pool = url ? &poolFor(request, *url) : nullptr;
  if (url && !request.proxy) last_ = LastTarget{request.url, request.ca_file, url, pool};
  return pool;
}

std::shared_ptr<const UpstreamUrl> UpstreamClient::parsedUrl(const std::string& url,
                                                             std::string* error) {
  if (auto it = urls_.find(url); it != urls_.end()) return it->second;
  std::optional<UpstreamUrl> parsed = parseUpstreamUrl(url, error);
  if (!parsed) return nullptr;
  auto shared = std::make_shared<const UpstreamUrl>(std::move(*parsed));
  if (urls_.size() >= kMaxCachedUrls)  // URLs that vary per request: keep those still in use
    std::erase_if(urls_, [](const auto& entry) { return entry.second.use_count() == 1; });
  if (urls_.size() < kMaxCachedUrls) urls_.emplace(url, shared);
  return shared;
}

ConnectionPool& UpstreamClient::poolFor(const UpstreamRequest& request, const UpstreamUrl& url) {
  // Everything that changes what is at the other end of the socket separates pools. The key is
  // built in a reused buffer: a request to a known pool allocates nothing here.
  std::string& key = pool_key_;
  key.clear();
  key.append(url.tls ? "https\n" : "http\n").append(url.host).append("\n");
  key.append(std::to_string(url.port)).append("\n").append(request.ca_file);
  if (const auto& p = request.proxy) {
    key.append("\n").append(p->type).append("\n").append(p->host).append("\n");
    key.append(std::to_string(p->port)).append("\n").append(p->username).append("\n");
    key.append(p->password);
  }
  auto it = pools_.find(key);
  if (it == pools_.end())
    it = pools_.emplace(key, std::make_unique<ConnectionPool>(loop_, dns_, options_.pool)).first;
  return *it->second;
}

size_t UpstreamClient::connectionCount() const {
  size_t n = 0;
  for (const auto& [key, pool] : pools_) n += pool->connectionCount();
  return n;
}

}  // namespace relay
