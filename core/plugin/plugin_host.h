// The host side of the plugin ABI: the relay_host_t handed to every plugin's init.
// Callbacks that need no request plumbing (log, now_ms) are answered here; the others are
// forwarded to a PluginHostBridge that the server installs once its loops exist.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/abi/relay_plugin.h"

namespace relay {

// What the server implements for plugins. The handles identify the request or account, which
// also says which loop the call comes from (hooks always run on the owning loop).
class PluginHostBridge {
 public:
  virtual ~PluginHostBridge() = default;

  // Upstream request being built by prepare / translate_request; copy what you keep.
  virtual int setUpstream(relay_host_request_t* req, std::string_view method,
                          std::string_view url) = 0;
  virtual int addHeader(relay_host_request_t* req, std::string_view name,
                        std::string_view value) = 0;
  virtual int setBody(relay_host_request_t* req, std::string_view body) = 0;

  // Response bytes toward the client and the usage tap.
  virtual int emit(relay_host_request_t* req, std::string_view bytes) = 0;
  virtual void reportUsage(relay_host_request_t* req, const relay_usage_t& usage) = 0;

  // Async HTTP through the account's proxy; answer via the plugin's on_http_done(call_id).
  virtual int httpCall(relay_host_account_t* account, const relay_http_request_t& request,
                       uint64_t call_id) = 0;

  // Per-account encrypted facts. storeGet sets *value to bytes that stay valid until the
  // current plugin hook returns, and returns false when the key is absent.
  virtual bool storeGet(relay_host_account_t* account, std::string_view key,
                        std::string_view* value) = 0;
  virtual int storePut(relay_host_account_t* account, std::string_view key,
                       std::string_view value) = 0;

  // End of a credential refresh: wake (or fail) the requests waiting on it.
  virtual void credentialsReady(relay_host_account_t* account) = 0;
  virtual void credentialsFailed(relay_host_account_t* account, std::string_view reason) = 0;
  // 1.3: the failure's class (relay_failure_class_t). Default: the 1.0 (transient) call.
  virtual void credentialsFailedAs(relay_host_account_t* account, uint32_t /*failure_class*/,
                                   std::string_view reason) {
    credentialsFailed(account, reason);
  }

  virtual int addModel(relay_host_model_list_t* list, std::string_view id,
                       std::string_view display_name) = 0;
  // Background refresh at at_ms; records the token expiry for display.
  virtual int scheduleRefresh(relay_host_account_t* account, int64_t at_ms,
                              int64_t expires_at_ms) = 0;
  // 1.2: login (relay-server login). Defaults: not supported.
  virtual int loginUrl(relay_host_account_t*, std::string_view) { return RELAY_UNSUPPORTED; }
  virtual void loginDone(relay_host_account_t*, int32_t, std::string_view, std::string_view) {}
  // 1.3: a plugin timer (p->on_timer at at_ms, same timer_id replaces). Default: unsupported.
  virtual int startTimer(relay_host_account_t*, int64_t, uint64_t) { return RELAY_UNSUPPORTED; }
};

// The process-wide host table (same pointer for every plugin, valid for the process).
const relay_host_t* pluginHostTable();

// Routes the bridged callbacks; nullptr makes them return RELAY_UNSUPPORTED. The bridge must
// outlive every plugin call made while it is installed.
void setPluginHostBridge(PluginHostBridge* bridge);

// Plugin log lines below this level are dropped (default RELAY_LOG_INFO).
void setPluginLogLevel(relay_log_level_t min_level);

// "relay: plugin [warn] message" — the line host->log writes to stderr.
std::string formatPluginLogLine(uint32_t level, std::string_view message);

}  // namespace relay
