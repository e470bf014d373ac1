// The OpenAI plugin: the openai-api provider and the translators that let OpenAI clients
// (Chat Completions, Responses / Codex CLI) use Anthropic accounts (translator.h).
#include "relay_plugin.h"
#include "translator.h"

namespace {

const char* const kAccountTypes[] = {"openai-api", nullptr};
const char* const kTranslations[] = {"openai-chat>anthropic", "openai-responses>anthropic",
                                     nullptr};

}  // namespace

extern "C" RELAY_PLUGIN_EXPORT uint32_t relay_plugin_abi_version(void) {
  return RELAY_PLUGIN_ABI_VERSION;
}

extern "C" RELAY_PLUGIN_EXPORT int relay_plugin_init(const relay_host_t* host,
                                                     relay_plugin_t* out) {
  if (!host || !out || (host->abi_version >> 16) != RELAY_PLUGIN_ABI_MAJOR) return RELAY_ERROR;
  relay_plugin_t mine{};
  mine.struct_size = sizeof(mine);
  mine.name = "openai";
  mine.account_types = kAccountTypes;
  mine.translations = kTranslations;
  relay::openai::setTranslatorHost(host);
  relay::openai::installTranslatorHooks(mine);
  relay_plugin_publish(out, &mine);
  return RELAY_OK;
}
