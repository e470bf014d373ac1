// The C boundary of an in-tree account plugin: each hook the host calls unwraps the account
// handle, calls the plugin's C++ entry point (a template argument) and turns what it throws into
// the hook's failure answer, since no exception may cross into the host. A plugin's table is
// then `mine.refresh = AccountHooks<MyAccount>::refresh<startRefresh>;` and so on.
#ifndef RELAY_PLUGINS_COMMON_HOOK_WRAPPERS_H
#define RELAY_PLUGINS_COMMON_HOOK_WRAPPERS_H

#include <cstdint>
#include <exception>
#include <string>
#include <string_view>

#include "host_calls.h"
#include "relay_plugin.h"

namespace relay::plugin_common {

// err->status and err->message (truncated), when the host passed an error to fill.
inline void fillError(relay_error_t* err, int32_t status, std::string_view message) {
  if (!err) return;
  err->status = status;
  copyText(err->message, sizeof(err->message), message);
}

// "<plugin>: <what> failed: <why>", for the messages that go back to the host.
inline std::string hookFailure(const char* what, const std::exception& e) {
  return std::string(logPrefix()) + ": " + what + " failed: " + e.what();
}

// relay_plugin_init's check of the host: the same ABI major and the callbacks prepare and the
// response hooks call without checking; then it becomes the plugin's host.
inline bool adoptHost(const relay_host_t* h, const char* plugin_name) {
  if (!h || (h->abi_version >> 16) != RELAY_PLUGIN_ABI_MAJOR || !RELAY_HOST_HAS(h, set_upstream) ||
      !RELAY_HOST_HAS(h, add_header) || !RELAY_HOST_HAS(h, set_body) || !RELAY_HOST_HAS(h, emit))
    return false;
  setHost(h, plugin_name);
  return true;
}

template <class Account>
struct AccountHooks {
  static Account& of(relay_plugin_account_t* handle) { return *reinterpret_cast<Account*>(handle); }

  // account_new: Make parses the type and config (a config error fills err, returns nullptr).
  template <Account* (*Make)(relay_host_account_t*, std::string_view type,
                             std::string_view config_json, relay_error_t* err)>
  static relay_plugin_account_t* accountNew(relay_host_account_t* host_account, relay_slice_t type,
                                            relay_slice_t config_json, relay_error_t* err) {
    try {
      return reinterpret_cast<relay_plugin_account_t*>(
          Make(host_account, toView(type), toView(config_json), err));
    } catch (const std::exception& e) {
      fillError(err, 0, hookFailure("account_new", e));
      return nullptr;
    }
  }

  static void accountFree(relay_plugin_account_t* handle) {
    delete reinterpret_cast<Account*>(handle);
  }

  template <int (*Prepare)(Account&, relay_host_request_t*, const relay_request_view_t&,
                           relay_error_t*)>
  static int prepare(relay_plugin_account_t* handle, relay_host_request_t* req,
                     const relay_request_view_t* request, relay_error_t* err) {
    try {
      return Prepare(of(handle), req, *request, err);
    } catch (const std::exception& e) {
      fillError(err, 500, hookFailure("prepare", e));
      return RELAY_PREPARE_REJECT;
    }
  }

  // classify_answer: what throws passes the answer through.
  template <void (*Classify)(Account&, const relay_request_view_t&, const relay_answer_t&,
                             relay_action_t*)>
  static void classifyAnswer(relay_plugin_account_t* handle, const relay_request_view_t* request,
                             const relay_answer_t* answer, relay_action_t* out) {
    try {
      Classify(of(handle), *request, *answer, out);
    } catch (const std::exception&) {
      out->kind = RELAY_ACTION_PASS_THROUGH;
    }
  }

  template <int (*Start)(Account&, bool force)>
  static int refresh(relay_plugin_account_t* handle, int32_t force) {
    try {
      return Start(of(handle), force != 0);
    } catch (const std::exception& e) {
      logLine(RELAY_LOG_ERROR, std::string("refresh failed: ") + e.what());
      return RELAY_ERROR;
    }
  }

  // on_http_done: the login exchange's answer (Account::kLoginCallBit set) to Login, the
  // plugin's other calls to Other.
  template <void (*Login)(Account&, uint64_t, const relay_http_response_t&),
            void (*Other)(Account&, uint64_t, const relay_http_response_t&)>
  static void onHttpDone(relay_plugin_account_t* handle, uint64_t call_id,
                         const relay_http_response_t* response) {
    try {
      if (call_id & Account::kLoginCallBit)
        Login(of(handle), call_id, *response);
      else
        Other(of(handle), call_id, *response);
    } catch (const std::exception& e) {
      logLine(RELAY_LOG_ERROR, std::string("http answer handling failed: ") + e.what());
    }
  }

  template <int (*Begin)(Account&, std::string_view state, std::string_view code_challenge,
                         relay_error_t*)>
  static int loginBegin(relay_plugin_account_t* handle, relay_slice_t state,
                        relay_slice_t code_challenge, relay_error_t* err) {
    try {
      return Begin(of(handle), toView(state), toView(code_challenge), err);
    } catch (const std::exception& e) {
      fillError(err, 0, hookFailure("login", e));
      return RELAY_ERROR;
    }
  }

  template <int (*Exchange)(Account&, std::string_view code, std::string_view state,
                            std::string_view code_verifier)>
  static int loginExchange(relay_plugin_account_t* handle, relay_slice_t code, relay_slice_t state,
                           relay_slice_t code_verifier) {
    try {
      return Exchange(of(handle), toView(code), toView(state), toView(code_verifier));
    } catch (const std::exception&) {
      return RELAY_ERROR;
    }
  }

  template <int (*Import)(Account&, std::string_view source, std::string_view path, bool take_over)>
  static int loginImport(relay_plugin_account_t* handle, relay_slice_t source, relay_slice_t path,
                         int32_t take_over) {
    try {
      return Import(of(handle), toView(source), toView(path), take_over != 0);
    } catch (const std::exception&) {
      return RELAY_ERROR;
    }
  }

  template <void (*Reload)(Account&)>
  static void credentialsChanged(relay_plugin_account_t* handle) {
    try {
      Reload(of(handle));
    } catch (const std::exception& e) {
      logLine(RELAY_LOG_ERROR, std::string("reloading credentials failed: ") + e.what());
    }
  }

  template <void (*Commit)(Account&, bool committed)>
  static void credentialsCommitted(relay_plugin_account_t* handle, int32_t committed) {
    try {
      Commit(of(handle), committed != 0);
    } catch (const std::exception& e) {
      logLine(RELAY_LOG_ERROR, std::string("credentials_committed failed: ") + e.what());
    }
  }

  template <void (*OnTimer)(Account&, uint64_t timer_id)>
  static void onTimer(relay_plugin_account_t* handle, uint64_t timer_id) {
    try {
      OnTimer(of(handle), timer_id);
    } catch (const std::exception& e) {
      logLine(RELAY_LOG_ERROR, std::string("timer handling failed: ") + e.what());
    }
  }
};

template <int (*List)(relay_host_model_list_t*)>
int listModelsHook(relay_plugin_account_t*, relay_host_model_list_t* list) {
  try {
    return List(list);
  } catch (const std::exception&) {
    return RELAY_ERROR;
  }
}

template <int (*Data)(relay_plugin_stream_t*, relay_slice_t, int32_t end)>
int responseDataHook(relay_plugin_stream_t* stream, relay_slice_t bytes, int32_t end) {
  try {
    return Data(stream, bytes, end);
  } catch (const std::exception&) {
    return RELAY_ERROR;
  }
}

template <void (*End)(relay_plugin_stream_t*)>
void responseEndHook(relay_plugin_stream_t* stream) {
  try {
    End(stream);
  } catch (const std::exception&) {
  }
}

}  // namespace relay::plugin_common

#endif
