#include "core/plugin/host_handles.h"
#include "core/plugin/plugin_host.h"

namespace relay {

namespace {

// Every handle the server hands a plugin is one of the classes above: forward to it.
class HandleBridge final : public PluginHostBridge {
 public:
  int setUpstream(relay_host_request_t* r, std::string_view m, std::string_view u) override {
    return r ? r->setUpstream(m, u) : RELAY_ERROR;
  }
  int addHeader(relay_host_request_t* r, std::string_view n, std::string_view v) override {
    return r ? r->addHeader(n, v) : RELAY_ERROR;
  }
  int setBody(relay_host_request_t* r, std::string_view b) override {
    return r ? r->setBody(b) : RELAY_ERROR;
  }
  int emit(relay_host_request_t* r, std::string_view b) override {
    return r ? r->emit(b) : RELAY_ERROR;
  }
  void reportUsage(relay_host_request_t* r, const relay_usage_t& u) override {
    if (r) r->reportUsage(u);
  }
  int httpCall(relay_host_account_t* a, const relay_http_request_t& req, uint64_t id) override {
    return a ? a->httpCall(req, id) : RELAY_ERROR;
  }
  bool storeGet(relay_host_account_t* a, std::string_view k, std::string_view* v) override {
    return a && a->storeGet(k, v);
  }
  int storePut(relay_host_account_t* a, std::string_view k, std::string_view v) override {
    return a ? a->storePut(k, v) : RELAY_ERROR;
  }
  void credentialsReady(relay_host_account_t* a) override {
    if (a) a->credentialsReady();
  }
  void credentialsFailed(relay_host_account_t* a, std::string_view reason) override {
    if (a) a->credentialsFailed(reason);
  }
  void credentialsFailedAs(relay_host_account_t* a, uint32_t failure_class,
                           std::string_view reason) override {
    if (a) a->credentialsFailedAs(failure_class, reason);
  }
  int addModel(relay_host_model_list_t* l, std::string_view id, std::string_view name) override {
    return l ? l->addModel(id, name) : RELAY_ERROR;
  }
  int scheduleRefresh(relay_host_account_t* a, int64_t at, int64_t expires) override {
    return a ? a->scheduleRefresh(at, expires) : RELAY_ERROR;
  }
  int loginUrl(relay_host_account_t* a, std::string_view url) override {
    return a ? a->loginUrl(url) : RELAY_ERROR;
  }
  void loginDone(relay_host_account_t* a, int32_t outcome, std::string_view identity,
                 std::string_view reason) override {
    if (a) a->loginDone(outcome, identity, reason);
  }
  int startTimer(relay_host_account_t* a, int64_t at_ms, uint64_t timer_id) override {
    return a ? a->startTimer(at_ms, timer_id) : RELAY_ERROR;
  }
};

}  // namespace

void installHandleBridge() {
  static HandleBridge bridge;
  setPluginHostBridge(&bridge);
}

}  // namespace relay
