#include "filters/upstream/upstream_attempt.h"

#include "core/accounts/account_pool.h"
#include "core/accounts/sticky_store.h"
#include "core/chain/route_table.h"
#include "core/loop/clock.h"
#include "core/net/upstream/upstream_client.h"
#include "core/obs/log.h"
#include "core/obs/relay_metrics.h"
#include "core/plugin/host_handles.h"
#include "core/provider/provider_set.h"
#include "core/server_context.h"
#include "core/store/usage_repo.h"

namespace relay {

namespace {

constexpr size_t kErrorBodyCap = 64 * 1024;

relay_slice_t slice(std::string_view s) {
  return relay_slice_t{s.data(), s.size()};
}

// Without a translate filter, a provider only understands its own wire format.
bool speaksNatively(std::string_view provider, WireFormat f) {
  if (provider == "claude") return f == WireFormat::Anthropic;
  if (provider == "gemini") return f == WireFormat::Gemini;
  if (provider == "openai") return f == WireFormat::OpenAIChat || f == WireFormat::OpenAIResponses;
  return true;
}

// A 5-hour window close to its limit is worth showing in /health.
std::string rateLimitWarning(const Headers& h) {
  const std::string* v = h.find("anthropic-ratelimit-unified-5h-status");
  if (v && *v == "allowed_warning") return "anthropic-ratelimit-unified-5h-status: allowed_warning";
  return "";
}

struct HeaderArray {
  std::vector<relay_header_t> items;
  explicit HeaderArray(const Headers& h) {
    for (const auto& x : h.all()) items.push_back({slice(x.name), slice(x.value)});
  }
};

class UpstreamAttempt final : public Filter,
                              public UpstreamResponseHandler,
                              public relay_host_request {
 public:
  explicit UpstreamAttempt(const ServerContext& server) : server_(server) {}
  ~UpstreamAttempt() override { endPluginStream(); }

  FilterStatus onRequest(FilterCallbacks& cb) override {
    cb_ = &cb;
    resetAttempt();
    account_ = server_.providers ? server_.providers->find(cb.state().account_id) : nullptr;
    pool_account_ = server_.pool ? server_.pool->find(cb.state().account_id) : nullptr;
    if (!account_ || !pool_account_) {
      cb.sendError(503, "provider of account " + cb.state().account_id +
                            " does not serve requests in this relay version");
      return FilterStatus::Stop;
    }
    if (!speaksNatively(account_->plugin().name(), cb.state().format)) {
      cb.sendError(501, "requests in " + std::string(wireFormatName(cb.state().format)) +
                            " format need translation for provider " + account_->plugin().name() +
                            ", which this relay version does not have");
      return FilterStatus::Stop;
    }
    cb.response().onClientGone([this] { call_.reset(); });
    prepare(false);
    return FilterStatus::Stop;
  }

  void onDestroy() override {
    call_.reset();
    stopTimer();
    alive_.reset();
    endPluginStream();
    if (streaming_) relayMetrics().streamClosed();
    streaming_ = false;
  }

  // ---- relay_host_request: what the plugin writes ----
  int setUpstream(std::string_view method, std::string_view url) override {
    up_.method = std::string(method);
    up_.url = std::string(url);
    return RELAY_OK;
  }
  int addHeader(std::string_view name, std::string_view value) override {
    up_.headers.add(name, value);
    return RELAY_OK;
  }
  int setBody(std::string_view body) override {
    up_.body = std::string(body);
    body_set_ = true;
    return RELAY_OK;
  }
  int emit(std::string_view bytes) override {
    if (!cb_->response().write(bytes)) pauseForClient();
    return RELAY_OK;
  }
  void reportUsage(const relay_usage_t& u) override {
    usage_ = store::UsageRecord{};
    usage_->model = std::string(u.model.ptr, u.model.len);
    usage_->input_tokens = static_cast<int64_t>(u.input_tokens);
    usage_->output_tokens = static_cast<int64_t>(u.output_tokens);
    usage_->cache_creation_tokens = static_cast<int64_t>(u.cache_creation_input_tokens);
    usage_->cache_read_tokens = static_cast<int64_t>(u.cache_read_input_tokens);
  }

  // ---- upstream response ----
  void onResponseHeaders(int status, Headers headers) override {
    status_ = status;
    headers_ = std::move(headers);
    if (status >= 400) {
      buffering_error_ = true;  // classified once the (small) body is in
      return;
    }
    relay_action_t action = classify(status, "");
    (void)action;
    server_.pool->markSuccess(*pool_account_, rateLimitWarning(headers_));
    bindSticky();
    relayMetrics().upstreamResponse(account_->plugin().name(), account_->id(), status);
    beginClientResponse();
  }

  bool onResponseData(std::string_view bytes) override {
    if (buffering_error_) {
      if (error_body_.size() < kErrorBodyCap)
        error_body_.append(bytes.substr(0, kErrorBodyCap - error_body_.size()));
      return true;
    }
    if (stream_) {
      plugin().response_data(stream_, slice(bytes), 0);
    } else if (!cb_->response().write(bytes)) {
      pauseForClient();
    }
    return !client_paused_;
  }

  void onResponseComplete() override {
    call_.reset();
    if (buffering_error_) {
      handleErrorAnswer();
      return;
    }
    if (stream_) plugin().response_data(stream_, slice(""), 1);
    endPluginStream();
    recordUsage(status_);
    cb_->response().end();
  }

  void onResponseError(const UpstreamError& e) override {
    call_.reset();
    relayMetrics().upstreamError(account_->plugin().name(), account_->id(),
                                 upstreamErrorKindName(e.kind));
    if (!cb_->response().started()) {
      last_error_status_ = e.kind == UpstreamError::Kind::TimeoutHeaders ? 504 : 502;
      last_error_message_ = e.message;
      last_error_body_.clear();
      applyAction(classify(0, ""), e.message);
      return;
    }
    // Bytes already reached the client: account effect, then an error event, clean end.
    applyAccountEffect(classify(0, ""), e.message);
    endPluginStream();
    cb_->response().write(renderErrorEvent(cb_->state().format, 502, e.message));
    cb_->response().abort();
  }

 private:
  const relay_plugin_t& plugin() const { return account_->plugin().table(); }

  void resetAttempt() {
    call_.reset();
    stopTimer();
    up_ = UpstreamRequest{};
    body_set_ = false;
    status_ = 0;
    headers_.clear();
    buffering_error_ = false;
    error_body_.clear();
    retried_same_ = false;
  }

  // Builds the upstream request through the plugin; may wait for fresh credentials first.
  void prepare(bool after_refresh) {
    const Request& req = cb_->request();
    up_ = UpstreamRequest{};
    body_set_ = false;
    HeaderArray hs(req.headers);
    std::string fmt(wireFormatName(cb_->state().format));
    relay_request_view_t view{};
    view.struct_size = sizeof view;
    view.method = slice(req.method);
    view.path = slice(req.path());
    view.query = slice(req.query());
    view.headers = hs.items.data();
    view.header_count = hs.items.size();
    view.body = slice(req.body);
    view.model = slice(cb_->state().model);
    view.client_format = slice(fmt);
    view.stream = cb_->state().stream ? 1 : 0;
    relay_error_t err{};
    int rc = plugin().prepare(account_->handle(), this, &view, &err);
    if (rc == RELAY_PREPARE_NEED_CREDENTIALS) {
      if (after_refresh) {
        failCredentials("account " + account_->id() + ": no usable credentials after refresh");
        return;
      }
      waitForCredentials(false);
      return;
    }
    if (rc != RELAY_PREPARE_READY) {
      cb_->sendError(err.status ? err.status : 400,
                     err.message[0] ? err.message : "the provider rejected the request");
      return;
    }
    if (!body_set_) up_.body = req.body;
    send();
  }

  void waitForCredentials(bool force) {
    auto mailbox = cb_->worker().mailbox;
    account_->requestCredentials(force, mailbox, alive_, [this](bool ok, const std::string& why) {
      if (!ok) {
        failCredentials(why);
        return;
      }
      prepare(true);
    });
  }

  void failCredentials(const std::string& why) {
    last_error_status_ = 503;
    classified_status_ = 0;  // rests like a transport failure
    last_error_message_ = why;
    last_error_body_.clear();
    relay_action_t a{};
    a.kind = RELAY_ACTION_COOLDOWN;
    a.ms = 60000;
    snprintf(a.reason, sizeof a.reason, "credential refresh failed");
    applyAction(a, why);
  }

  void send() {
    const ServerConfig& sc = server_.config.server;
    const AccountConfig& ac = account_->config();
    up_.proxy = ac.proxy;
    up_.ca_file = ac.ca_file.empty() ? sc.upstream_ca_file : ac.ca_file;
    up_.account_id = ac.id;
    up_.timeouts.connect_ms = sc.connect_timeout_seconds * 1000;
    up_.timeouts.tls_handshake_ms = sc.tls_handshake_timeout_seconds * 1000;
    up_.timeouts.response_headers_ms = sc.response_header_timeout_seconds * 1000;
    up_.timeouts.body_idle_ms = sc.body_idle_timeout_seconds * 1000;
    call_ = cb_->worker().upstream->send(std::move(up_), this);
  }

  relay_action_t classify(int status, std::string_view body) {
    classified_status_ = status;
    relay_action_t a{};
    a.struct_size = sizeof a;
    a.kind = status >= 200 && status < 400 ? RELAY_ACTION_OK : RELAY_ACTION_PASS_THROUGH;
    if (!RELAY_PLUGIN_HAS(&plugin(), classify)) return a;
    HeaderArray hs(headers_);
    plugin().classify(account_->handle(), status, hs.items.data(), hs.items.size(), slice(body),
                      slice(cb_->state().model), &a);
    return a;
  }

  bool isCountTokens() const { return cb_->request().path().ends_with("/count_tokens"); }

  void handleErrorAnswer() {
    relayMetrics().upstreamResponse(account_->plugin().name(), account_->id(), status_);
    last_error_status_ = status_;
    last_error_headers_ = headers_;
    last_error_body_ = error_body_;
    last_error_message_.clear();
    // count_tokens errors never change account state.
    if (isCountTokens()) {
      sendLastError();
      return;
    }
    if (status_ == 401 && account_->canRefresh() && !cb_->state().force_refreshed) {
      cb_->state().force_refreshed = true;  // one forced refresh and one retry
      resetAttempt();
      waitForCredentials(true);
      return;
    }
    applyAction(classify(status_, error_body_), "upstream answered " + std::to_string(status_));
  }

  // Acts on a classified failure: retry the same account, fail over, or answer the client.
  void applyAction(const relay_action_t& a, const std::string& what) {
    if (a.kind == RELAY_ACTION_OK || a.kind == RELAY_ACTION_PASS_THROUGH) {
      sendLastError();
      return;
    }
    const ChainTraits& t = cb_->traits();
    if (a.kind == RELAY_ACTION_RETRY_AFTER && !retried_same_ &&
        static_cast<int64_t>(a.ms) <= t.max_wait_ms) {
      resetAttempt();
      retried_same_ = true;
      startTimer(a.ms);
      return;
    }
    applyAccountEffect(a, what);
    RequestState& st = cb_->state();
    st.attempt++;
    if (t.failover && st.attempt < t.max_attempts) {
      logf(LogLevel::kInfo, "failover", "account %s: %s; trying another account",
           account_->id().c_str(), what.c_str());
      relayMetrics().failover(account_->plugin().name());
      st.excluded_accounts.push_back(account_->id());
      if (!st.session_key.empty() && st.sticky_account_id == account_->id()) {
        server_.sticky->unbind(st.session_key);
        st.sticky_account_id.clear();
      }
      resetAttempt();
      if (cb_->restartFrom("account_select")) return;
    }
    sendLastError();
  }

  // The plugin proposes a rest; the chain's failover policy sets how long each kind lasts.
  int64_t cooldownMs(const relay_action_t& a) {
    const ChainTraits& t = cb_->traits();
    int64_t ms = static_cast<int64_t>(a.ms);
    int status = classified_status_;
    if (status == 401) return t.unauthorized_cooldown_ms;
    if (status == 402) return t.billing_cooldown_ms;
    if (status == 529 || std::string_view(a.reason).find("overloaded") != std::string_view::npos)
      return t.overloaded_cooldown_ms;
    if (status == 429) return std::min(ms, t.rate_limit_max_cooldown_ms);
    if (status == 0 || status >= 500) return t.server_error_cooldown_ms;
    return ms;
  }

  void applyAccountEffect(const relay_action_t& a, const std::string& what) {
    int64_t now = unixTimeMs();
    PoolAccount& pa = *pool_account_;
    std::string reason = a.reason[0] ? a.reason : what;
    switch (a.kind) {
      case RELAY_ACTION_COOLDOWN:
      case RELAY_ACTION_RETRY_AFTER:
        server_.pool->cooldown(pa, now + cooldownMs(a), reason);
        break;
      case RELAY_ACTION_DISABLE:
        server_.pool->disable(pa, reason);
        break;
      case RELAY_ACTION_LIMIT_MODEL_FAMILY:
        server_.pool->limitFamily(pa, a.family, now + static_cast<int64_t>(a.ms));
        break;
      default:
        break;
    }
    server_.pool->recordError(pa, what);
  }

  // The last failure goes to the client: the upstream's own answer, or a relay error.
  void sendLastError() {
    ResponseSink& out = cb_->response();
    if (out.started()) return;
    recordUsage(last_error_status_);
    if (last_error_body_.empty() && !last_error_message_.empty()) {
      cb_->sendError(last_error_status_, last_error_message_);
      return;
    }
    Headers h;
    for (const auto& x : last_error_headers_.all())
      if (!equalsIgnoreCase(x.name, "content-length")) h.add(x.name, x.value);
    out.begin(last_error_status_, h, last_error_body_.size());
    out.write(last_error_body_);
    out.end();
  }

  void beginClientResponse() {
    const relay_plugin_t& p = plugin();
    HeaderArray hs(headers_);
    if (RELAY_PLUGIN_HAS(&p, response_begin))
      stream_ =
          p.response_begin(account_->handle(), this, status_, hs.items.data(), hs.items.size());
    std::optional<uint64_t> length;
    if (const std::string* cl = headers_.find("content-length"); cl && !stream_) {
      try {
        length = std::stoull(*cl);
      } catch (...) {
      }
    }
    Headers out;
    for (const auto& x : headers_.all())
      if (!equalsIgnoreCase(x.name, "content-length")) out.add(x.name, x.value);
    streaming_ = true;
    relayMetrics().streamOpened();
    cb_->response().begin(status_, out, length);
  }

  void endPluginStream() {
    if (stream_ && account_ && RELAY_PLUGIN_HAS(&plugin(), response_end))
      plugin().response_end(stream_);
    stream_ = nullptr;
  }

  void pauseForClient() {
    if (client_paused_) return;
    client_paused_ = true;
    cb_->response().onWritable([this] {
      client_paused_ = false;
      if (call_) call_->resume();
    });
  }

  void bindSticky() {
    RequestState& st = cb_->state();
    if (st.session_key.empty() || !server_.sticky || st.sticky_account_id == account_->id()) return;
    server_.sticky->bind(st.session_key, account_->id(), unixTimeMs());
    st.sticky_account_id = account_->id();
  }

  void recordUsage(int status) {
    if (!server_.store) return;
    store::UsageRecord r = usage_.value_or(store::UsageRecord{});
    r.ts = unixTimeMs();
    r.key_id = cb_->state().key_id;
    r.account_id = account_->id();
    r.provider = account_->plugin().name();
    if (r.model.empty()) r.model = cb_->state().model;
    r.status = status;
    r.duration_ms = static_cast<int64_t>((uv_hrtime() - cb_->state().start_ns) / 1000000);
    server_.store->post([r](sqlite3* db) { store::UsageRepo::insert(db, r); });
  }

  void startTimer(uint64_t ms) {
    if (!timer_) {
      timer_ = new uv_timer_t;
      uv_timer_init(cb_->loop(), timer_);
      timer_->data = this;
    }
    uv_timer_start(
        timer_, [](uv_timer_t* t) { static_cast<UpstreamAttempt*>(t->data)->prepare(false); }, ms,
        0);
  }

  void stopTimer() {
    if (!timer_) return;
    timer_->data = nullptr;
    uv_close(reinterpret_cast<uv_handle_t*>(timer_),
             [](uv_handle_t* h) { delete reinterpret_cast<uv_timer_t*>(h); });
    timer_ = nullptr;
  }

  const ServerContext& server_;
  FilterCallbacks* cb_ = nullptr;
  ProviderAccount* account_ = nullptr;
  PoolAccount* pool_account_ = nullptr;
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);
  UpstreamRequest up_;
  bool body_set_ = false;
  std::unique_ptr<UpstreamCall> call_;
  int status_ = 0;
  Headers headers_;
  bool buffering_error_ = false;
  std::string error_body_;
  bool retried_same_ = false;
  relay_plugin_stream_t* stream_ = nullptr;
  bool client_paused_ = false;
  bool streaming_ = false;
  uv_timer_t* timer_ = nullptr;
  std::optional<store::UsageRecord> usage_;
  int last_error_status_ = 502;
  int classified_status_ = 0;  // the status of the last classified answer (0 = transport)
  Headers last_error_headers_;
  std::string last_error_body_;
  std::string last_error_message_;
};

}  // namespace

std::unique_ptr<Filter> makeUpstreamAttemptFilter(const ServerContext& server) {
  return std::make_unique<UpstreamAttempt>(server);
}

}  // namespace relay
