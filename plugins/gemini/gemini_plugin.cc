// The Gemini provider: `gemini` accounts (Google OAuth through the Code Assist API, with the
// request envelope and response unwrapping) and `gemini-api` accounts (AI Studio API keys on
// the public API). This file is the C boundary: every hook catches what the C++ inside throws.
#include <cstring>
#include <new>
#include <string>

#include "gemini_account.h"
#include "gemini_classify.h"
#include "gemini_config.h"
#include "gemini_host.h"
#include "gemini_login.h"
#include "gemini_models.h"
#include "gemini_prepare.h"
#include "gemini_refresh.h"
#include "gemini_request.h"
#include "gemini_response.h"
#include "relay_plugin.h"

namespace relay::gemini {
namespace {

const char* const kAccountTypes[] = {"gemini", "gemini-api", nullptr};
const char* const kTranslations[] = {nullptr};
const char* const kFormats[] = {"gemini", nullptr};

void fillError(relay_error_t* err, int32_t status, std::string_view message) {
  if (!err) return;
  err->status = status;
  copyText(err->message, sizeof(err->message), message);
}

relay_plugin_account_t* accountNew(relay_host_account_t* host_account, relay_slice_t type,
                                   relay_slice_t config_json, relay_error_t* err) {
  try {
    GeminiConfig config;
    account_keys::KeyError error;
    if (!parseGeminiConfig(toView(type), toView(config_json), &config, &error)) {
      account_keys::fillError(err, host(), error);
      return nullptr;
    }
    auto* account = new GeminiAccount(host_account, std::move(config));
    if (account->config().oauth && looksLikeWrongCodeAssistHost(account->config().api_url))
      logLine(RELAY_LOG_WARN,
              account->label() + ": api_url " + account->config().api_url +
                  " is not the Code Assist host; https://cloudcode-pa.googleapis.com"
                  " is probably meant");
    account->loadStored();
    scheduleBackgroundRefresh(*account);
    return toHandle(account);
  } catch (const std::exception& e) {
    fillError(err, 0, std::string("gemini: account_new failed: ") + e.what());
    return nullptr;
  }
}

void accountFree(relay_plugin_account_t* account) {
  delete fromHandle(account);
}

int prepare(relay_plugin_account_t* account, relay_host_request_t* req,
            const relay_request_view_t* request, relay_error_t* err) {
  try {
    return prepareRequest(*fromHandle(account), req, *request, err);
  } catch (const std::exception& e) {
    fillError(err, 500, std::string("gemini: prepare failed: ") + e.what());
    return RELAY_PREPARE_REJECT;
  }
}

// A 1.3 host asks account_response_observes; an older one treats every answer as transformed.
bool hostHonoursAccountObservers() {
  const relay_host_t* h = host();
  return h && (h->abi_version >> 16) == RELAY_PLUGIN_ABI_MAJOR && (h->abi_version & 0xffff) >= 3;
}

// API-key answers pass through unchanged (the hooks only read the usage), so the host forwards
// them itself and a whole answer keeps its Content-Length. OAuth answers may need unwrapping,
// and which ones is known per request only: those accounts transform.
uint32_t accountResponseObserves(relay_plugin_account_t* account) {
  return !fromHandle(account)->config().oauth && hostHonoursAccountObservers() ? 1 : 0;
}

relay_plugin_stream_t* responseBegin(relay_plugin_account_t* account, relay_host_request_t* req,
                                     int32_t status, const relay_header_t* headers,
                                     size_t header_count) {
  try {
    GeminiAccount& a = *fromHandle(account);
    ResponseRole role = ResponseRole::kCopy;
    if (a.config().oauth)
      role = a.takePassThrough(req) ? ResponseRole::kCopy : ResponseRole::kUnwrap;
    else if (hostHonoursAccountObservers())
      role = ResponseRole::kObserve;
    return responseStreamBegin(req, role, status, headers, header_count);
  } catch (const std::exception&) {
    return nullptr;  // pass-through without usage
  }
}

int responseData(relay_plugin_stream_t* stream, relay_slice_t bytes, int32_t end) {
  try {
    return responseStreamData(stream, bytes, end);
  } catch (const std::exception&) {
    return RELAY_ERROR;
  }
}

void responseEnd(relay_plugin_stream_t* stream) {
  try {
    responseStreamEnd(stream);
  } catch (const std::exception&) {
  }
}

void classifyAnswerHook(relay_plugin_account_t* account, const relay_request_view_t* request,
                        const relay_answer_t* answer, relay_action_t* out) {
  try {
    GeminiAccount& a = *fromHandle(account);
    std::optional<GeminiCall> call = parseClientPath(toView(request->path));
    std::string model = request->model.len ? std::string(toView(request->model))
                                           : (call ? call->model : std::string());
    GeminiAnswer g;
    g.status = answer->status;
    g.body_prefix = toView(answer->body_prefix);
    g.model = model;
    g.method = call ? std::string_view(call->method) : std::string_view();
    g.can_refresh = a.canRefresh();
    g.after_forced_refresh = answer->after_forced_refresh != 0;
    classifyGeminiAnswer(g, out);
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
    if (call_id & GeminiAccount::kLoginCallBit)
      finishExchange(*fromHandle(account), call_id, *response);
    else
      finishCall(*fromHandle(account), call_id, *response);
  } catch (const std::exception& e) {
    logLine(RELAY_LOG_ERROR, std::string("http answer handling failed: ") + e.what());
  }
}

int loginBeginHook(relay_plugin_account_t* account, relay_slice_t state,
                   relay_slice_t code_challenge, relay_error_t* err) {
  try {
    return beginLogin(*fromHandle(account), toView(state), toView(code_challenge), err);
  } catch (const std::exception& e) {
    fillError(err, 0, std::string("gemini: login failed: ") + e.what());
    return RELAY_ERROR;
  }
}

// The state was checked by the host (Google's manual-code page shows the code alone).
int loginExchangeHook(relay_plugin_account_t* account, relay_slice_t code, relay_slice_t,
                      relay_slice_t code_verifier) {
  try {
    return startExchange(*fromHandle(account), toView(code), toView(code_verifier));
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

// A login in another process: its tokens replace ours, the project is found again.
void credentialsChangedHook(relay_plugin_account_t* account) {
  try {
    GeminiAccount& a = *fromHandle(account);
    a.reloadLogin();
    scheduleBackgroundRefresh(a);
  } catch (const std::exception& e) {
    logLine(RELAY_LOG_ERROR, std::string("reloading credentials failed: ") + e.what());
  }
}

void onTimer(relay_plugin_account_t* account, uint64_t timer_id) {
  try {
    onFlowTimer(*fromHandle(account), timer_id);
  } catch (const std::exception& e) {
    logLine(RELAY_LOG_ERROR, std::string("timer handling failed: ") + e.what());
  }
}

int listModelsHook(relay_plugin_account_t*, relay_host_model_list_t* list) {
  try {
    return listModels(list);
  } catch (const std::exception&) {
    return RELAY_ERROR;
  }
}

// Google limits each model separately: the family is the model name itself.
int modelFamily(relay_slice_t model, char* out, size_t out_size) {
  if (!out || out_size == 0) return RELAY_ERROR;
  copyText(out, out_size, toView(model));
  return RELAY_OK;
}

bool hostHasRequestCallbacks(const relay_host_t* h) {
  return RELAY_HOST_HAS(h, set_upstream) && RELAY_HOST_HAS(h, add_header) &&
         RELAY_HOST_HAS(h, set_body) && RELAY_HOST_HAS(h, emit);
}

}  // namespace
}  // namespace relay::gemini

extern "C" RELAY_PLUGIN_EXPORT uint32_t relay_plugin_abi_version(void) {
  return RELAY_PLUGIN_ABI_VERSION;
}

extern "C" RELAY_PLUGIN_EXPORT int relay_plugin_init(const relay_host_t* host,
                                                     relay_plugin_t* out) {
  using namespace relay::gemini;
  if (!host || !out || (host->abi_version >> 16) != RELAY_PLUGIN_ABI_MAJOR ||
      !hostHasRequestCallbacks(host))
    return RELAY_ERROR;
  setHost(host, "gemini");
  relay_plugin_t mine{};
  mine.struct_size = sizeof(mine);
  mine.name = "gemini";
  mine.account_types = kAccountTypes;
  mine.translations = kTranslations;
  mine.account_new = accountNew;
  mine.account_free = accountFree;
  mine.prepare = prepare;
  mine.response_begin = responseBegin;
  mine.response_data = responseData;
  mine.response_end = responseEnd;
  mine.refresh = refresh;
  mine.on_http_done = onHttpDone;
  mine.list_models = listModelsHook;
  mine.formats = kFormats;
  mine.classify_answer = classifyAnswerHook;
  mine.model_family = modelFamily;
  // Secret shapes the host masks in logs: OAuth access and refresh tokens, API keys (1.3).
  static const char* const kSecretPrefixes[] = {"ya29.", "1//", "AIza", nullptr};
  mine.secret_prefixes = kSecretPrefixes;
  // A transform, not an observer: OAuth answers are unwrapped from the Code Assist envelope;
  // API-key accounts say per account that they only observe.
  mine.response_observes = 0;
  mine.login_begin = loginBeginHook;
  mine.login_exchange = loginExchangeHook;
  mine.login_import = loginImportHook;
  mine.credentials_changed = credentialsChangedHook;
  mine.on_timer = onTimer;
  mine.account_response_observes = accountResponseObserves;
  relay_plugin_publish(out, &mine);
  return RELAY_OK;
}
