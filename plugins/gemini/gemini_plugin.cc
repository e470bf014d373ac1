// The Gemini provider: gemini accounts (Google OAuth through the Code Assist API). Only the
// declaration so far; the hooks come with the provider work.
#include "relay_plugin.h"

namespace {

const char* const kAccountTypes[] = {"gemini", nullptr};

}  // namespace

extern "C" RELAY_PLUGIN_EXPORT uint32_t relay_plugin_abi_version(void) {
  return RELAY_PLUGIN_ABI_VERSION;
}

extern "C" RELAY_PLUGIN_EXPORT int relay_plugin_init(const relay_host_t* host,
                                                     relay_plugin_t* out) {
  if (!host || !out || (host->abi_version >> 16) != RELAY_PLUGIN_ABI_MAJOR) return RELAY_ERROR;
  relay_plugin_t mine{};
  mine.struct_size = sizeof(mine);
  mine.name = "gemini";
  mine.account_types = kAccountTypes;
  relay_plugin_publish(out, &mine);
  return RELAY_OK;
}
