// The Gemini provider: `gemini` accounts (Google OAuth through the Code Assist API) and
// `gemini-api` accounts (API keys). So far it declares and validates its account keys, its
// format and its model families; the request hooks come with the provider work.
#include <cstring>
#include <memory>
#include <string>

#include "account_keys.h"
#include "relay_plugin.h"

namespace {

const char* const kAccountTypes[] = {"gemini", "gemini-api", nullptr};
const char* const kFormats[] = {"gemini", nullptr};
const relay_host_t* g_host = nullptr;

struct GeminiAccount {
  bool oauth = false;
  std::string refresh_token, access_token, api_key;
  std::string token_url, client_id, client_secret, project_id;
  int64_t expires_at = 0;
};

using relay::account_keys::AccountKeys;
using relay::account_keys::KeyError;

bool parseOauth(const AccountKeys& keys, GeminiAccount* a, KeyError* err) {
  const std::string suffix = " for type gemini";
  if (!keys.allowOnly({"refresh_token", "access_token", "expires_at", "token_url", "client_id",
                       "client_secret", "project_id"},
                      err) ||
      !keys.string("refresh_token", &a->refresh_token, err) ||
      !keys.string("access_token", &a->access_token, err) ||
      !keys.integer("expires_at", 0, &a->expires_at, err) ||
      !keys.string("token_url", &a->token_url, err) ||
      !keys.string("client_id", &a->client_id, err) ||
      !keys.string("client_secret", &a->client_secret, err) ||
      !keys.string("project_id", &a->project_id, err))
    return false;
  if (a->refresh_token.empty() && a->access_token.empty()) {
    *err = keys.has("refresh_token")
               ? KeyError{"refresh_token",
                          "expected a non-empty string" + suffix + " (or an access_token)"}
               : AccountKeys::missing("refresh_token", suffix);
    return false;
  }
  return true;
}

bool parseApiKey(const AccountKeys& keys, GeminiAccount* a, KeyError* err) {
  const std::string suffix = " for type gemini-api";
  if (!keys.allowOnly({"api_key"}, err) || !keys.string("api_key", &a->api_key, err)) return false;
  if (a->api_key.empty()) {
    *err = keys.has("api_key") ? KeyError{"api_key", "expected a non-empty string" + suffix}
                               : AccountKeys::missing("api_key", suffix);
    return false;
  }
  return true;
}

relay_plugin_account_t* accountNew(relay_host_account_t*, relay_slice_t type,
                                   relay_slice_t config_json, relay_error_t* err) {
  try {
    std::string_view t(type.ptr, type.len);
    auto account = std::make_unique<GeminiAccount>();
    account->oauth = t == "gemini";
    AccountKeys keys;
    KeyError error;
    bool ok = keys.parse({config_json.ptr, config_json.len}, &error) &&
              (account->oauth ? parseOauth(keys, account.get(), &error)
                              : parseApiKey(keys, account.get(), &error));
    if (!ok) {
      relay::account_keys::fillError(err, g_host, error);
      return nullptr;
    }
    return reinterpret_cast<relay_plugin_account_t*>(account.release());
  } catch (const std::exception& e) {
    relay::account_keys::fillError(err, g_host, {"", std::string("gemini: ") + e.what()});
    return nullptr;
  }
}

void accountFree(relay_plugin_account_t* account) {
  delete reinterpret_cast<GeminiAccount*>(account);
}

// Google limits each model separately: the family is the model name itself.
int modelFamily(relay_slice_t model, char* out, size_t out_size) {
  if (!out || out_size == 0) return RELAY_ERROR;
  size_t n = model.len < out_size - 1 ? model.len : out_size - 1;
  if (n) std::memcpy(out, model.ptr, n);
  out[n] = '\0';
  return RELAY_OK;
}

}  // namespace

extern "C" RELAY_PLUGIN_EXPORT uint32_t relay_plugin_abi_version(void) {
  return RELAY_PLUGIN_ABI_VERSION;
}

extern "C" RELAY_PLUGIN_EXPORT int relay_plugin_init(const relay_host_t* host,
                                                     relay_plugin_t* out) {
  if (!host || !out || (host->abi_version >> 16) != RELAY_PLUGIN_ABI_MAJOR) return RELAY_ERROR;
  g_host = host;
  relay_plugin_t mine{};
  mine.struct_size = sizeof(mine);
  mine.name = "gemini";
  mine.account_types = kAccountTypes;
  mine.account_new = accountNew;
  mine.account_free = accountFree;
  mine.formats = kFormats;
  mine.model_family = modelFamily;
  relay_plugin_publish(out, &mine);
  return RELAY_OK;
}
