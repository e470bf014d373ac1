// The C ABI's opaque host handles, defined as C++ interfaces: the server's request and account
// objects derive from them, and the bridge forwards each callback to the handle it names.
#pragma once

#include <cstdint>
#include <string_view>

#include "core/abi/relay_plugin.h"

struct relay_host_request {
  virtual ~relay_host_request() = default;
  virtual int setUpstream(std::string_view method, std::string_view url) = 0;
  virtual int addHeader(std::string_view name, std::string_view value) = 0;
  virtual int setBody(std::string_view body) = 0;
  virtual int emit(std::string_view bytes) = 0;
  virtual void reportUsage(const relay_usage_t& usage) = 0;
};

struct relay_host_account {
  virtual ~relay_host_account() = default;
  virtual int httpCall(const relay_http_request_t& request, uint64_t call_id) = 0;
  virtual bool storeGet(std::string_view key, std::string_view* value) = 0;
  virtual int storePut(std::string_view key, std::string_view value) = 0;
  virtual void credentialsReady() = 0;
  virtual void credentialsFailed(std::string_view reason) = 0;
  // 1.3: a failed refresh with its class (relay_failure_class_t); 1.0's credentialsFailed is
  // the transient case.
  virtual void credentialsFailedAs(uint32_t /*failure_class*/, std::string_view reason) {
    credentialsFailed(reason);
  }
  virtual int scheduleRefresh(int64_t at_ms, int64_t expires_at_ms) = 0;
  // 1.2: login; only the login command's account answers them.
  virtual int loginUrl(std::string_view) { return RELAY_UNSUPPORTED; }
  virtual void loginDone(int32_t, std::string_view, std::string_view) {}
  // 1.3: p->on_timer(timer_id) at unix time at_ms on the account's loop.
  virtual int startTimer(int64_t, uint64_t) { return RELAY_UNSUPPORTED; }
};

struct relay_host_model_list {
  virtual ~relay_host_model_list() = default;
  virtual int addModel(std::string_view id, std::string_view display_name) = 0;
};

namespace relay {

// Installs the bridge that forwards every callback to the handle's own methods.
void installHandleBridge();

}  // namespace relay
