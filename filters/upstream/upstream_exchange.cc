#include "filters/upstream/upstream_exchange.h"

#include "core/chain/route_table.h"
#include "core/http/header_list_pool.h"
#include "core/http/request_storage_pool.h"
#include "core/net/upstream/upstream_client.h"
#include "core/plugin/host_handles.h"
#include "core/provider/provider_account.h"
#include "core/provider/provider_set.h"
#include "core/server_context.h"
#include "filters/provider/provider_formats.h"
#include "filters/provider/request_view.h"
#include "filters/upstream/credential_wait.h"
#include "filters/upstream/model_rewrite.h"
#include "filters/upstream/response_forwarding.h"

namespace relay {

namespace {

const std::string& mapped(const std::vector<std::pair<std::string, std::string>>& map,
                          const std::string& model) {
  for (const auto& [from, to] : map)
    if (from == model) return to;
  return model;
}

class UpstreamExchange final : public Filter, public relay_host_request {
 public:
  explicit UpstreamExchange(const ServerContext& server) : server_(server) {}
  ~UpstreamExchange() override { onDestroy(); }

  FilterStatus onRequest(FilterCallbacks& cb) override {
    cb_ = &cb;
    RequestState& st = cb.state();
    account_ = server_.providers ? server_.providers->find(st.account_id) : nullptr;
    if (!account_) return refuseNoProvider(cb);
    st.provider_account = account_;
    st.provider = account_->plugin().name();
    std::string_view format = wireFormatName(st.upstream_format);
    if (!servesFormat(plugin(), format)) return refuseFormat(cb, format);
    applyModelMaps();
    // Only this attempt's: the chain drops it with the attempt (FilterCallbacks::newAttempt).
    cb.response().onClientGone([this] { call_.reset(); });
    if (st.refresh_before_send) {
      st.refresh_before_send = false;
      waitForCredentials(true);
    } else {
      prepare(false);
    }
    return FilterStatus::Stop;
  }

  void onAnswerSent(FilterCallbacks&) override {
    if (forwarding_) forwarding_->onAnswerSent();
  }

  void onDestroy() override {
    call_.reset();
    credentials_.cancel();
    if (forwarding_) forwarding_->detach();
  }

  // ---- relay_host_request: what prepare writes ----
  int setUpstream(std::string_view method, std::string_view url) override {
    up_.method.assign(method);
    // In the memory an earlier request's URL had.
    if (UpstreamClient* client = cb_->worker().upstream) up_.url = client->takeUrlBuffer();
    up_.url.assign(url);
    return RELAY_OK;
  }
  int addHeader(std::string_view name, std::string_view value) override {
    headers_.add(name, value, isClientHeader(name, value));
    return RELAY_OK;
  }
  int setBody(std::string_view body) override {
    // A rewritten body (e.g. a provider's identity block) in a buffer an earlier request gave
    // back; the exchange gives it back in turn.
    up_.body = RequestStoragePool::local().takeBody(body.size());
    up_.body.assign(body);
    body_set_ = true;
    return RELAY_OK;
  }
  // The response hooks get this same handle (one per attempt); the answer's bytes go on there.
  int emit(std::string_view bytes) override {
    return forwarding_ ? forwarding_->emit(bytes) : RELAY_UNSUPPORTED;
  }
  void reportUsage(const relay_usage_t& usage) override {
    if (forwarding_) forwarding_->reportUsage(usage);
  }

 private:
  const relay_plugin_t& plugin() const { return account_->plugin().table(); }

  // onRequest's refusals, out of line and apart from the request path.
  [[gnu::cold, gnu::noinline]] static FilterStatus refuseNoProvider(FilterCallbacks& cb) {
    cb.sendError(503, "provider of account " + cb.state().account_id +
                          " does not serve requests in this relay version");
    return FilterStatus::Stop;
  }
  [[gnu::cold, gnu::noinline]] static FilterStatus refuseFormat(FilterCallbacks& cb,
                                                                std::string_view format) {
    cb.sendError(501, "requests in " + std::string(format) +
                          " format need translation for provider " + cb.state().provider +
                          ", and no loaded plugin translates them");
    return FilterStatus::Stop;
  }

  // Whether the plugin forwards a client header as the request view showed it: the very bytes
  // of a verified header (Header::verified), not a copy that could differ. Plugins forward in
  // the client's order, so the search goes on from the last match.
  bool isClientHeader(std::string_view name, std::string_view value) {
    for (const Header* h = client_next_; h < client_end_; ++h) {
      if (h->value.data() != value.data()) continue;
      client_next_ = h + 1;
      return h->verified && h->value.size() == value.size() && h->name.data() == name.data() &&
             h->name.size() == name.size();
    }
    return false;
  }

  // The route's map already gave state.model; the account's map applies on top, and the body
  // the upstream receives (after any translation) names the result.
  void applyModelMaps() {
    RequestState& st = cb_->state();
    // Copied only when the account's map changes it (readers fall back to st.model).
    const std::string& target = mapped(account_->config().model_map, st.model);
    if (&target != &st.model) st.upstream_model = target;
    const std::string& client_named = st.requested_model.empty() ? st.model : st.requested_model;
    Request& req = cb_->request();
    if (target.empty() || target == client_named || req.body.empty()) return;
    if (auto body = rewriteTopLevelModel(req.body, target)) cb_->setRequestBody(std::move(*body));
  }

  // Builds the upstream request through the plugin; may wait for fresh credentials first.
  void prepare(bool after_refresh) {
    up_.reset();
    headers_ = HeaderListFill(HeaderListPool::local().take(HeadSide::Upstream));
    body_set_ = false;
    const std::vector<Header>& client = cb_->request().headers.all();
    client_next_ = client.data();
    client_end_ = client.data() + client.size();
    ProviderRequestView view(cb_->request(), cb_->state());
    relay_error_t err{};
    int rc = plugin().prepare(account_->handle(), this, view.get(), &err);
    client_next_ = client_end_ = nullptr;
    if (rc != RELAY_PREPARE_READY) [[unlikely]]
      return notPrepared(rc, err, after_refresh);
    if (!body_set_) up_.body_ref = cb_->request().body.view();  // the chain keeps it for the call
    up_.headers.all() = headers_.finish();
    send();
  }

  // The plugin did not build the request: fresh credentials first, or the client's error. Out
  // of line: the request path keeps only what a prepared request runs.
  [[gnu::cold, gnu::noinline]] void notPrepared(int rc, const relay_error_t& err,
                                                bool after_refresh) {
    if (rc == RELAY_PREPARE_NEED_CREDENTIALS) {
      if (after_refresh)
        return failCredentials(refresh_failure_.empty()
                                   ? "account " + account_->id() +
                                         ": no usable credentials after refresh"
                                   : refresh_failure_);
      return waitForCredentials(false);
    }
    cb_->sendError(err.status ? err.status : 400,
                   err.message[0] ? err.message : "the provider rejected the request");
  }

  [[gnu::cold, gnu::noinline]] void waitForCredentials(bool force) {
    credentials_.start(*account_, force, cb_->worker(),
                       [this, force](bool ok, const std::string& why, uint32_t failure_class) {
                         // After a transient failure the current token may still serve, unless
                         // the upstream has just refused it (a forced refresh).
                         if (!ok && (force || failure_class == RELAY_CLASS_PERMANENT))
                           return failCredentials(why, failure_class);
                         refresh_failure_ = ok ? std::string() : why;
                         prepare(true);
                       });
  }

  [[gnu::cold, gnu::noinline]] void failCredentials(
      const std::string& why, uint32_t failure_class = RELAY_CLASS_TRANSIENT) {
    AnswerFailure f;
    f.cause = AnswerFailure::Cause::Credentials;
    f.credentials_dead = failure_class == RELAY_CLASS_PERMANENT;
    f.status = 503;
    f.message = why;
    cb_->answerFailed(f);
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
    forwarding_ = std::make_unique<ResponseForwarding>(*cb_, *account_, &call_, this);
    call_ = cb_->worker().upstream->send(std::move(up_), forwarding_.get());
  }

  const ServerContext& server_;
  FilterCallbacks* cb_ = nullptr;
  ProviderAccount* account_ = nullptr;
  UpstreamRequest up_;
  HeaderListFill headers_;  // what prepare adds, into a list a finished request gave back
  // The client's headers while prepare runs; isClientHeader's search starts at client_next_.
  const Header* client_next_ = nullptr;
  const Header* client_end_ = nullptr;
  bool body_set_ = false;
  CredentialWait credentials_;
  std::string refresh_failure_;  // why the last refresh failed (transiently), for the client
  std::unique_ptr<ResponseForwarding> forwarding_;
  std::unique_ptr<UpstreamCall> call_;
};

}  // namespace

std::unique_ptr<Filter> makeUpstreamExchange(const ServerContext& server) {
  return std::make_unique<UpstreamExchange>(server);
}

}  // namespace relay
