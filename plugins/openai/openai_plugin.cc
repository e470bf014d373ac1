// The OpenAI plugin: the openai-api provider and the translators that let OpenAI clients
// (Chat Completions, Responses / Codex CLI) use Anthropic accounts (translator.h). It also
// validates openai-api accounts (api_key, organization); serving them comes later.
#include <memory>
#include <string>

#include "account_keys.h"
#include "relay_plugin.h"
#include "translator.h"

namespace {

const char* const kAccountTypes[] = {"openai-api", nullptr};
const char* const kTranslations[] = {"openai-chat>anthropic", "openai-responses>anthropic",
                                     nullptr};
const char* const kFormats[] = {"openai-chat", "openai-responses", nullptr};
const relay_host_t* g_host = nullptr;

struct OpenAiAccount {
  std::string api_key;
  std::string organization;
};

using relay::account_keys::AccountKeys;
using relay::account_keys::KeyError;

relay_plugin_account_t* accountNew(relay_host_account_t*, relay_slice_t, relay_slice_t config_json,
                                   relay_error_t* err) {
  try {
    auto account = std::make_unique<OpenAiAccount>();
    AccountKeys keys;
    KeyError error;
    bool ok = keys.parse({config_json.ptr, config_json.len}, &error) &&
              keys.allowOnly({"api_key", "organization"}, &error) &&
              keys.string("api_key", &account->api_key, &error) &&
              keys.string("organization", &account->organization, &error);
    if (ok && account->api_key.empty()) {
      error = keys.has("api_key")
                  ? KeyError{"api_key", "expected a non-empty string for type openai-api"}
                  : AccountKeys::missing("api_key", " for type openai-api");
      ok = false;
    }
    if (!ok) {
      relay::account_keys::fillError(err, g_host, error);
      return nullptr;
    }
    return reinterpret_cast<relay_plugin_account_t*>(account.release());
  } catch (const std::exception& e) {
    relay::account_keys::fillError(err, g_host, {"", std::string("openai: ") + e.what()});
    return nullptr;
  }
}

void accountFree(relay_plugin_account_t* account) {
  delete reinterpret_cast<OpenAiAccount*>(account);
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
  mine.name = "openai";
  mine.account_types = kAccountTypes;
  mine.translations = kTranslations;
  mine.account_new = accountNew;
  mine.account_free = accountFree;
  mine.formats = kFormats;
  relay::openai::setTranslatorHost(host);
  relay::openai::installTranslatorHooks(mine);
  relay_plugin_publish(out, &mine);
  return RELAY_OK;
}
