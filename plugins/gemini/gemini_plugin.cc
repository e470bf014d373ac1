// The Gemini provider: `gemini` accounts (Google OAuth through the Code Assist API, with the
// request envelope and response unwrapping) and `gemini-api` accounts (AI Studio API keys on
// the public API). This file is the C boundary: the hook table, each hook wrapped so that what
// the C++ inside throws never crosses into the host (hook_wrappers.h).
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
#include "hook_wrappers.h"
#include "relay_plugin.h"

namespace relay::gemini {
namespace {

const char* const kAccountTypes[] = {"gemini", "gemini-api", nullptr};
const char* const kTranslations[] = {nullptr};
const char* const kFormats[] = {"gemini", nullptr};

using Hooks = AccountHooks<GeminiAccount>;

GeminiAccount* makeAccount(relay_host_account_t* host_account, std::string_view type,
                           std::string_view config_json, relay_error_t* err) {
  GeminiConfig config;
  account_keys::KeyError error;
  if (!parseGeminiConfig(type, config_json, &config, &error)) {
    account_keys::fillError(err, host(), error);
    return nullptr;
  }
  auto* account = new GeminiAccount(host_account, std::move(config));
  if (account->config().oauth && looksLikeWrongCodeAssistHost(account->config().api_url))
    logLine(RELAY_LOG_WARN, account->label() + ": api_url " + account->config().api_url +
                                " is not the Code Assist host; https://cloudcode-pa.googleapis.com"
                                " is probably meant");
  account->loadStored();
  scheduleBackgroundRefresh(*account);
  return account;
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

void classifyForAccount(GeminiAccount& a, const relay_request_view_t& request,
                        const relay_answer_t& answer, relay_action_t* out) {
  std::optional<GeminiCall> call = parseClientPath(toView(request.path));
  std::string model =
      request.model.len ? std::string(toView(request.model)) : (call ? call->model : std::string());
  GeminiAnswer g;
  g.status = answer.status;
  g.body_prefix = toView(answer.body_prefix);
  g.model = model;
  g.method = call ? std::string_view(call->method) : std::string_view();
  g.can_refresh = a.canRefresh();
  g.after_forced_refresh = answer.after_forced_refresh != 0;
  classifyGeminiAnswer(g, out);
}

// A login in another process: its tokens replace ours, the project is found again.
void reloadCredentials(GeminiAccount& a) {
  a.reloadLogin();
  scheduleBackgroundRefresh(a);
}

// Google limits each model separately: the family is the model name itself.
int modelFamily(relay_slice_t model, char* out, size_t out_size) {
  if (!out || out_size == 0) return RELAY_ERROR;
  copyText(out, out_size, toView(model));
  return RELAY_OK;
}

}  // namespace
}  // namespace relay::gemini

extern "C" RELAY_PLUGIN_EXPORT uint32_t relay_plugin_abi_version(void) {
  return RELAY_PLUGIN_ABI_VERSION;
}

extern "C" RELAY_PLUGIN_EXPORT int relay_plugin_init(const relay_host_t* host,
                                                     relay_plugin_t* out) {
  using namespace relay::gemini;
  if (!out || !adoptHost(host, "gemini")) return RELAY_ERROR;
  relay_plugin_t mine{};
  mine.struct_size = sizeof(mine);
  mine.name = "gemini";
  mine.account_types = kAccountTypes;
  mine.translations = kTranslations;
  mine.account_new = Hooks::accountNew<makeAccount>;
  mine.account_free = Hooks::accountFree;
  mine.prepare = Hooks::prepare<prepareRequest>;
  mine.response_begin = responseBegin;
  mine.response_data = responseDataHook<responseStreamData>;
  mine.response_end = responseEndHook<responseStreamEnd>;
  mine.refresh = Hooks::refresh<startRefresh>;
  mine.on_http_done = Hooks::onHttpDone<finishExchange, finishCall>;
  mine.list_models = listModelsHook<listModels>;
  mine.formats = kFormats;
  mine.classify_answer = Hooks::classifyAnswer<classifyForAccount>;
  mine.model_family = modelFamily;
  // Secret shapes the host masks in logs: OAuth access and refresh tokens, API keys (1.3).
  static const char* const kSecretPrefixes[] = {"ya29.", "1//", "AIza", nullptr};
  mine.secret_prefixes = kSecretPrefixes;
  // A transform, not an observer: OAuth answers are unwrapped from the Code Assist envelope;
  // API-key accounts say per account that they only observe.
  mine.response_observes = 0;
  mine.login_begin = Hooks::loginBegin<beginLogin>;
  mine.login_exchange = Hooks::loginExchange<startExchange>;
  mine.login_import = Hooks::loginImport<importCredentials>;
  mine.credentials_changed = Hooks::credentialsChanged<reloadCredentials>;
  mine.on_timer = Hooks::onTimer<onFlowTimer>;
  mine.account_response_observes = accountResponseObserves;
  relay_plugin_publish(out, &mine);
  return RELAY_OK;
}
