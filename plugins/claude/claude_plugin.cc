// The Claude provider: claude-oauth (subscription accounts with rotating refresh tokens) and
// claude-api (API keys). This file is the C boundary: every hook catches what the C++ inside
// throws, since no exception may cross into the host.
#include <new>
#include <string>

#include "claude_account.h"
#include "claude_classify.h"
#include "claude_config.h"
#include "claude_login.h"
#include "claude_models.h"
#include "claude_prepare.h"
#include "claude_refresh.h"
#include "claude_usage_tap.h"
#include "host_api.h"
#include "relay_plugin.h"

namespace relay::claude {
namespace {

const char* const kAccountTypes[] = {"claude-oauth", "claude-api", nullptr};
const char* const kTranslations[] = {nullptr};
const char* const kFormats[] = {"anthropic", nullptr};

void fillError(relay_error_t* err, int32_t status, std::string_view message) {
  if (!err) return;
  err->status = status;
  copyText(err->message, sizeof(err->message), message);
}

relay_plugin_account_t* accountNew(relay_host_account_t* host_account, relay_slice_t type,
                                   relay_slice_t config_json, relay_error_t* err) {
  try {
    ClaudeConfig config;
    account_keys::KeyError error;
    if (!parseClaudeConfig(toView(type), toView(config_json), &config, &error)) {
      account_keys::fillError(err, host(), error);
      return nullptr;
    }
    auto* account = new ClaudeAccount(host_account, std::move(config));
    account->loadTokens();
    scheduleBackgroundRefresh(*account);
    rememberSetupTokenExpiry(*account);
    warnIfSetupTokenExpiring(*account);
    return toHandle(account);
  } catch (const std::exception& e) {
    fillError(err, 0, std::string("claude: account_new failed: ") + e.what());
    return nullptr;
  }
}

void accountFree(relay_plugin_account_t* account) {
  delete fromHandle(account);
}

int prepare(relay_plugin_account_t* account, relay_host_request_t* req,
            const relay_request_view_t* request, relay_error_t* err) {
  try {
    warnIfSetupTokenExpiring(*fromHandle(account));  // a long-running relay warns too
    return prepareRequest(*fromHandle(account), req, *request, err);
  } catch (const std::exception& e) {
    fillError(err, 500, std::string("claude: prepare failed: ") + e.what());
    return RELAY_PREPARE_REJECT;
  }
}

relay_plugin_stream_t* responseBegin(relay_plugin_account_t*, relay_host_request_t* req,
                                     int32_t status, const relay_header_t* headers,
                                     size_t header_count) {
  try {
    return usageTapBegin(req, status, headers, header_count);
  } catch (const std::exception&) {
    return nullptr;  // pass-through without usage
  }
}

int responseData(relay_plugin_stream_t* stream, relay_slice_t bytes, int32_t end) {
  try {
    return usageTapData(stream, bytes, end);
  } catch (const std::exception&) {
    return RELAY_ERROR;
  }
}

void responseEnd(relay_plugin_stream_t* stream) {
  try {
    usageTapEnd(stream);
  } catch (const std::exception&) {
  }
}

void classify(relay_plugin_account_t*, int32_t status, const relay_header_t* headers,
              size_t header_count, relay_slice_t body_prefix, relay_slice_t model,
              relay_action_t* out) {
  try {
    classifyAnswer({status, headers, header_count, toView(body_prefix), toView(model), nowMs()},
                   out);
  } catch (const std::exception&) {
    out->kind = RELAY_ACTION_PASS_THROUGH;
  }
}

void classifyAnswerHook(relay_plugin_account_t* account, const relay_request_view_t* request,
                        const relay_answer_t* answer, relay_action_t* out) {
  try {
    ClaudeAccount& a = *fromHandle(account);
    AnswerContext ctx{toView(request->path), a.config().oauth && !a.tokens().refresh_token.empty(),
                      answer->after_forced_refresh != 0};
    classifyAnswer11({answer->status, answer->headers, answer->header_count,
                      toView(answer->body_prefix), toView(request->model), nowMs()},
                     ctx, out);
  } catch (const std::exception&) {
    out->kind = RELAY_ACTION_PASS_THROUGH;
  }
}

int refresh(relay_plugin_account_t* account, int32_t force) {
  try {
    return startRefresh(*fromHandle(account), force != 0);
  } catch (const std::exception& e) {
    logLine(RELAY_LOG_ERROR, std::string("refresh failed: ") + e.what());
    return RELAY_ERROR;
  }
}

void onHttpDone(relay_plugin_account_t* account, uint64_t call_id,
                const relay_http_response_t* response) {
  try {
    if (call_id & ClaudeAccount::kLoginCallBit)
      finishExchange(*fromHandle(account), call_id, *response);
    else
      finishRefresh(*fromHandle(account), call_id, *response);
  } catch (const std::exception& e) {
    logLine(RELAY_LOG_ERROR, std::string("token answer handling failed: ") + e.what());
  }
}

int loginBeginHook(relay_plugin_account_t* account, relay_slice_t state,
                   relay_slice_t code_challenge, relay_error_t* err) {
  try {
    return beginLogin(*fromHandle(account), toView(state), toView(code_challenge), err);
  } catch (const std::exception& e) {
    fillError(err, 0, std::string("claude: login failed: ") + e.what());
    return RELAY_ERROR;
  }
}

int loginExchangeHook(relay_plugin_account_t* account, relay_slice_t code, relay_slice_t state,
                      relay_slice_t code_verifier) {
  try {
    return startExchange(*fromHandle(account), toView(code), toView(state), toView(code_verifier));
  } catch (const std::exception&) {
    return RELAY_ERROR;
  }
}

int loginImportHook(relay_plugin_account_t* account, relay_slice_t source, relay_slice_t path,
                    int32_t take_over) {
  try {
    return importCredentials(*fromHandle(account), toView(source), toView(path), take_over != 0);
  } catch (const std::exception&) {
    return RELAY_ERROR;
  }
}

void credentialsChangedHook(relay_plugin_account_t* account) {
  try {
    reloadCredentials(*fromHandle(account));
  } catch (const std::exception& e) {
    logLine(RELAY_LOG_ERROR, std::string("reloading credentials failed: ") + e.what());
  }
}

void credentialsCommittedHook(relay_plugin_account_t* account, int32_t committed) {
  try {
    commitRefresh(*fromHandle(account), committed != 0);
  } catch (const std::exception& e) {
    logLine(RELAY_LOG_ERROR, std::string("credentials_committed failed: ") + e.what());
  }
}

int modelFamilyHook(relay_slice_t model, char* out, size_t out_size) {
  if (!out || out_size == 0) return RELAY_ERROR;
  copyText(out, out_size, modelFamily(toView(model)));
  return RELAY_OK;
}

int listModelsHook(relay_plugin_account_t*, relay_host_model_list_t* list) {
  try {
    return listModels(list);
  } catch (const std::exception&) {
    return RELAY_ERROR;
  }
}

// prepare and the usage tap call these without checking: the host must offer them.
bool hostHasRequestCallbacks(const relay_host_t* h) {
  return RELAY_HOST_HAS(h, set_upstream) && RELAY_HOST_HAS(h, add_header) &&
         RELAY_HOST_HAS(h, set_body) && RELAY_HOST_HAS(h, emit);
}

}  // namespace
}  // namespace relay::claude

extern "C" RELAY_PLUGIN_EXPORT uint32_t relay_plugin_abi_version(void) {
  return RELAY_PLUGIN_ABI_VERSION;
}

extern "C" RELAY_PLUGIN_EXPORT int relay_plugin_init(const relay_host_t* host,
                                                     relay_plugin_t* out) {
  using namespace relay::claude;
  if (!host || !out || (host->abi_version >> 16) != RELAY_PLUGIN_ABI_MAJOR ||
      !hostHasRequestCallbacks(host))
    return RELAY_ERROR;
  setHost(host, "claude");
  relay_plugin_t mine{};
  mine.struct_size = sizeof(mine);
  mine.name = "claude";
  mine.account_types = kAccountTypes;
  mine.translations = kTranslations;
  mine.account_new = accountNew;
  mine.account_free = accountFree;
  mine.prepare = prepare;
  mine.response_begin = responseBegin;
  mine.response_data = responseData;
  mine.response_end = responseEnd;
  mine.classify = classify;
  mine.refresh = refresh;
  mine.on_http_done = onHttpDone;
  mine.list_models = listModelsHook;
  mine.formats = kFormats;
  mine.classify_answer = classifyAnswerHook;
  mine.response_observes = 1;  // the usage tap only reads; the host forwards the bytes
  mine.model_family = modelFamilyHook;
  mine.login_begin = loginBeginHook;
  mine.login_exchange = loginExchangeHook;
  mine.login_import = loginImportHook;
  mine.credentials_changed = credentialsChangedHook;
  mine.credentials_committed = credentialsCommittedHook;
  // Secret shapes the host masks in logs: API keys and OAuth tokens all start so (1.3).
  static const char* const kSecretPrefixes[] = {"sk-ant-", nullptr};
  mine.secret_prefixes = kSecretPrefixes;
  relay_plugin_publish(out, &mine);
  return RELAY_OK;
}
