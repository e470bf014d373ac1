// Hands one upstream answer to the chain's response path: headers, bytes (pausing the upstream
// while the client is slow) and the end or failure. The provider plugin's response hooks see a
// success: as an observer (1.1 response_observes, or per account 1.3 account_response_observes:
// the bytes go on untouched and a whole answer keeps its Content-Length) or as a transform (1.0:
// the client gets what the plugin emits).
#pragma once

#include <memory>

#include "core/chain/filter.h"
#include "core/net/upstream/upstream_call.h"
#include "core/plugin/host_handles.h"

namespace relay {

class ProviderAccount;

class ResponseForwarding final : public UpstreamResponseHandler, public relay_host_request {
 public:
  RELAY_RECYCLED_STORAGE  // one per attempt: its storage is recycled on the worker
  // call: the exchange's call, resumed when the client drains. handle: the request handle the
  // plugin's prepare saw, handed to its response hooks too (its emit/reportUsage come here).
  ResponseForwarding(FilterCallbacks& cb, const ProviderAccount& account,
                     std::unique_ptr<UpstreamCall>* call, relay_host_request* handle)
      : cb_(cb), account_(account), call_(call), handle_(handle) {}
  ~ResponseForwarding() override;
  // The request is gone: no more callbacks into the chain.
  void detach();

  // UpstreamResponseHandler
  void onResponseHeaders(int status, Headers headers) override;
  bool onResponseData(std::string_view bytes) override;
  void onResponseComplete() override;
  void onResponseError(const UpstreamError& e) override;
  // The chain handed the answer's end to the client: an observing plugin's end runs now.
  void onAnswerSent();

  // relay_host_request: what the plugin's response hooks may call.
  int setUpstream(std::string_view, std::string_view) override { return RELAY_UNSUPPORTED; }
  int addHeader(std::string_view, std::string_view) override { return RELAY_UNSUPPORTED; }
  int setBody(std::string_view) override { return RELAY_UNSUPPORTED; }
  int emit(std::string_view bytes) override;
  void reportUsage(const relay_usage_t& usage) override;

 private:
  const relay_plugin_t& plugin() const;
  void forward(std::string_view bytes);
  void endPluginStream();

  FilterCallbacks& cb_;
  const ProviderAccount& account_;
  std::unique_ptr<UpstreamCall>* call_;
  relay_host_request* handle_;
  relay_plugin_stream_t* stream_ = nullptr;
  bool observing_ = false;  // stream_ only reads; the bytes go on as they came
  bool client_paused_ = false;
  bool streaming_ = false;  // counted in the active-streams gauge
  bool detached_ = false;
  bool end_owed_ = false;       // an observing plugin's end, owed until the answer was sent
  std::shared_ptr<int> alive_;  // for callbacks that may outlive us (made with the first one)
};

}  // namespace relay
