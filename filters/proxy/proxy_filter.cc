#include "filters/proxy/proxy_filter.h"

#include "core/chain/route_table.h"
#include "core/config/config_error.h"
#include "core/config/proxy_section.h"
#include "core/config/yaml_reader.h"
#include "core/net/upstream/upstream_client.h"
#include "core/obs/relay_metrics.h"
#include "core/server_context.h"

namespace relay {

namespace {

struct ProxyConfigData {
  std::string base;  // scheme://host[:port][/path] without a trailing '/'
  bool strip_prefix = true;
  std::string ca_file;
  std::string name;  // error attribution (the upstream client's account_id)
  std::optional<ProxyConfig> proxy;
  UpstreamTimeouts timeouts;
};

// Transport timeouts reach us as Kind::Connect; their message is the only trace of them.
bool isTimeout(const UpstreamError& error) {
  return error.kind == UpstreamError::Kind::TimeoutHeaders ||
         error.kind == UpstreamError::Kind::TimeoutIdle ||
         error.message.find(" timed out after ") != std::string::npos;
}

class ProxyFilter final : public Filter, public UpstreamResponseHandler {
 public:
  explicit ProxyFilter(const ProxyConfigData& cfg) : cfg_(cfg) {}

  FilterStatus onRequest(FilterCallbacks& cb) override {
    cb_ = &cb;
    Request& req = cb.request();
    UpstreamRequest up;
    up.method = req.method;
    std::string_view path = req.path();
    const Route* route = cb.state().route;
    if (cfg_.strip_prefix && route && route->prefix && path.starts_with(route->path)) {
      path.remove_prefix(route->path.size());
    }
    up.url = cfg_.base;
    if (!path.starts_with('/')) up.url += '/';
    up.url += path;
    if (!req.query().empty()) up.url.append(1, '?').append(req.query());
    for (const auto& h : req.headers.all())
      if (!isHopByHopHeader(h.name) && !equalsIgnoreCase(h.name, "host"))
        up.headers.add(h.name, h.value);
    up.body_ref = req.body.view();  // the chain keeps the body until this filter is gone
    up.ca_file = cfg_.ca_file;
    up.proxy = cfg_.proxy;
    up.account_id = cfg_.name;
    up.timeouts = cfg_.timeouts;
    cb.response().onClientGone([this] { call_.reset(); });
    call_ = cb.worker().upstream->send(std::move(up), this);
    return FilterStatus::Stop;
  }

  void onDestroy() override {
    call_.reset();
    if (streaming_) relayMetrics().streamClosed();
    streaming_ = false;
  }

  void onResponseHeaders(int status, Headers headers) override {
    ResponseHead head;
    head.status = status;
    if (const std::string* cl = headers.find("content-length")) {
      try {
        head.content_length = std::stoull(*cl);
      } catch (...) {
      }
    }
    headers.remove("content-length");
    head.headers = std::move(headers);
    streaming_ = true;
    relayMetrics().streamOpened();
    cb_->answerHeaders(std::move(head));
  }

  bool onResponseData(std::string_view bytes) override {
    if (cb_->answerData(bytes)) return true;
    cb_->response().onWritable([this, alive = std::weak_ptr<int>(alive_)] {
      if (!alive.expired() && call_) call_->resume();
    });
    return false;
  }

  void onResponseComplete() override { cb_->answerEnd(); }

  void onResponseError(const UpstreamError& error) override {
    AnswerFailure f;
    f.status = isTimeout(error) ? 504 : 502;
    f.message = error.message;
    cb_->answerFailed(f);
  }

 private:
  const ProxyConfigData& cfg_;
  FilterCallbacks* cb_ = nullptr;
  std::unique_ptr<UpstreamCall> call_;
  bool streaming_ = false;
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);
};

class ProxyFilterFactory final : public FilterFactory {
 public:
  explicit ProxyFilterFactory(ProxyConfigData cfg) : cfg_(std::move(cfg)) {}
  std::unique_ptr<Filter> create() const override { return std::make_unique<ProxyFilter>(cfg_); }
  FilterPlacement placement() const override { return FilterPlacement::Terminal; }

 private:
  ProxyConfigData cfg_;
};

// Throws ConfigError on a bad key or value.
ProxyConfigData readProxyFilterConfig(const FilterSpec& spec, const ServerConfig& s) {
  ProxyConfigData cfg;
  cfg.timeouts.connect_ms = s.connect_timeout_seconds * 1000;
  cfg.timeouts.tls_handshake_ms = s.tls_handshake_timeout_seconds * 1000;
  cfg.timeouts.response_headers_ms = s.response_header_timeout_seconds * 1000;
  cfg.timeouts.body_idle_ms = s.body_idle_timeout_seconds * 1000;
  cfg.ca_file = s.upstream_ca_file;
  MapReader r(spec.config, "", spec.mark.file);
  r.allowKeys({"url", "strip_prefix", "ca_file", "name", "proxy"});
  r.require("url", " (\"http(s)://host:port[/path]\")");
  r.readNonEmptyString("url", &cfg.base);
  r.readBool("strip_prefix", &cfg.strip_prefix);
  r.readString("ca_file", &cfg.ca_file);
  readIdentifier(r, "name", &cfg.name);
  cfg.proxy = readProxySection(r);
  if (!cfg.base.starts_with("http://") && !cfg.base.starts_with("https://"))
    r.fail("url", "expected an http:// or https:// URL, got \"" + cfg.base + "\"");
  while (cfg.base.ends_with('/')) cfg.base.pop_back();
  return cfg;
}

}  // namespace

std::unique_ptr<FilterFactory> buildProxyFilter(const FilterSpec& spec, const ServerContext& server,
                                                std::string* error) {
  try {
    return std::make_unique<ProxyFilterFactory>(readProxyFilterConfig(spec, server.config.server));
  } catch (const ConfigError& e) {
    *error = e.what();
    return nullptr;
  }
}

}  // namespace relay
