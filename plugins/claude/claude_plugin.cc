// The Claude provider: claude-oauth (subscription accounts with rotating refresh tokens) and
// claude-api (API keys). This file is the C boundary: the hook table, each hook wrapped so that
// what the C++ inside throws never crosses into the host (hook_wrappers.h).
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
#include "hook_wrappers.h"
#include "host_api.h"
#include "relay_plugin.h"

namespace relay::claude {
namespace {

const char* const kAccountTypes[] = {"claude-oauth", "claude-api", nullptr};
const char* const kTranslations[] = {nullptr};
const char* const kFormats[] = {"anthropic", nullptr};

using Hooks = AccountHooks<ClaudeAccount>;

ClaudeAccount* makeAccount(relay_host_account_t* host_account, std::string_view type,
                           std::string_view config_json, relay_error_t* err) {
  ClaudeConfig config;
  account_keys::KeyError error;
  if (!parseClaudeConfig(type, config_json, &config, &error)) {
    account_keys::fillError(err, host(), error);
    return nullptr;
  }
  auto* account = new ClaudeAccount(host_account, std::move(config));
  account->loadTokens();
  scheduleBackgroundRefresh(*account);
  rememberSetupTokenExpiry(*account);
  warnIfSetupTokenExpiring(*account);
  return account;
}

int prepareAndWarn(ClaudeAccount& account, relay_host_request_t* req,
                   const relay_request_view_t& request, relay_error_t* err) {
  warnIfSetupTokenExpiring(account);  // a long-running relay warns too
  return prepareRequest(account, req, request, err);
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

void classifyForAccount(ClaudeAccount& a, const relay_request_view_t& request,
                        const relay_answer_t& answer, relay_action_t* out) {
  AnswerContext ctx{toView(request.path), a.config().oauth && !a.tokens().refresh_token.empty(),
                    answer.after_forced_refresh != 0};
  classifyAnswer11({answer.status, answer.headers, answer.header_count, toView(answer.body_prefix),
                    toView(request.model), nowMs()},
                   ctx, out);
}

int modelFamilyHook(relay_slice_t model, char* out, size_t out_size) {
  if (!out || out_size == 0) return RELAY_ERROR;
  copyText(out, out_size, modelFamily(toView(model)));
  return RELAY_OK;
}

}  // namespace
}  // namespace relay::claude

extern "C" RELAY_PLUGIN_EXPORT uint32_t relay_plugin_abi_version(void) {
  return RELAY_PLUGIN_ABI_VERSION;
}

extern "C" RELAY_PLUGIN_EXPORT int relay_plugin_init(const relay_host_t* host,
                                                     relay_plugin_t* out) {
  using namespace relay::claude;
  if (!out || !adoptHost(host, "claude")) return RELAY_ERROR;
  relay_plugin_t mine{};
  mine.struct_size = sizeof(mine);
  mine.name = "claude";
  mine.account_types = kAccountTypes;
  mine.translations = kTranslations;
  mine.account_new = Hooks::accountNew<makeAccount>;
  mine.account_free = Hooks::accountFree;
  mine.prepare = Hooks::prepare<prepareAndWarn>;
  mine.response_begin = responseBegin;
  mine.response_data = responseDataHook<usageTapData>;
  mine.response_end = responseEndHook<usageTapEnd>;
  mine.classify = classify;
  mine.refresh = Hooks::refresh<startRefresh>;
  mine.on_http_done = Hooks::onHttpDone<finishExchange, finishRefresh>;
  mine.list_models = listModelsHook<listModels>;
  mine.formats = kFormats;
  mine.classify_answer = Hooks::classifyAnswer<classifyForAccount>;
  mine.response_observes = 1;  // the usage tap only reads; the host forwards the bytes
  mine.model_family = modelFamilyHook;
  mine.login_begin = Hooks::loginBegin<beginLogin>;
  mine.login_exchange = Hooks::loginExchange<startExchange>;
  mine.login_import = Hooks::loginImport<importCredentials>;
  mine.credentials_changed = Hooks::credentialsChanged<reloadCredentials>;
  mine.credentials_committed = Hooks::credentialsCommitted<commitRefresh>;
  // Secret shapes the host masks in logs: API keys and OAuth tokens all start so (1.3).
  static const char* const kSecretPrefixes[] = {"sk-ant-", nullptr};
  mine.secret_prefixes = kSecretPrefixes;
  relay_plugin_publish(out, &mine);
  return RELAY_OK;
}
