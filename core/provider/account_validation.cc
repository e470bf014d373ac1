#include "core/provider/account_validation.h"

#include <cstring>

#include "core/config/account_key_error.h"
#include "core/plugin/host_handles.h"

namespace relay {

namespace {

// The host account a plugin sees while its configuration is only being checked: nothing is
// stored, no call goes out, nothing is scheduled.
struct ValidationAccount final : relay_host_account {
  int httpCall(const relay_http_request_t&, uint64_t) override { return RELAY_UNSUPPORTED; }
  bool storeGet(std::string_view, std::string_view*) override { return false; }
  int storePut(std::string_view, std::string_view) override { return RELAY_UNSUPPORTED; }
  void credentialsReady() override {}
  void credentialsFailed(std::string_view) override {}
  int scheduleRefresh(int64_t, int64_t) override { return RELAY_UNSUPPORTED; }
};

std::string bounded(const char* text, size_t capacity) {
  return std::string(text, strnlen(text, capacity));
}

}  // namespace

std::string accountRejection(const AccountConfig& account, size_t index, const LoadedPlugin& plugin,
                             const relay_error_t& err) {
  std::string message = bounded(err.message, sizeof err.message);
  if (message.empty()) message = "rejected by plugin " + plugin.name();
  // A 1.0 plugin's record ends before key (the host zeroed it): it reads as empty.
  std::string key = bounded(err.key, sizeof err.key);
  return accountKeyError(account, index, key, message);
}

std::string validateAccounts(const std::vector<AccountConfig>& accounts,
                             const PluginRegistry& plugins) {
  for (size_t i = 0; i < accounts.size(); ++i) {
    const AccountConfig& a = accounts[i];
    const LoadedPlugin* plugin = plugins.providerFor(a.type);
    if (!plugin || !RELAY_PLUGIN_HAS(&plugin->table(), account_new)) continue;
    const relay_plugin_t& p = plugin->table();
    ValidationAccount host_account;
    relay_error_t err{};
    relay_plugin_account_t* handle = p.account_new(&host_account, {a.type.data(), a.type.size()},
                                                   {a.json.data(), a.json.size()}, &err);
    if (!handle) return accountRejection(a, i, *plugin, err);
    if (RELAY_PLUGIN_HAS(&p, account_free)) p.account_free(handle);
  }
  return "";
}

}  // namespace relay
