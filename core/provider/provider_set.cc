#include "core/provider/provider_set.h"

#include "core/provider/account_validation.h"

namespace relay {

bool ProviderSet::create(const std::vector<AccountConfig>& accounts, const PluginRegistry& plugins,
                         ProviderEnvironment& env, std::string* error) {
  for (size_t i = 0; i < accounts.size(); ++i) {
    const AccountConfig& a = accounts[i];
    const LoadedPlugin* plugin = plugins.providerFor(a.type);
    std::string where = a.mark.file + ":" + std::to_string(a.mark.line) + ":" +
                        std::to_string(a.mark.column) + ": accounts[" + std::to_string(i) + "] (" +
                        a.id + "): ";
    if (!plugin) {
      *error = where + "no plugin serves type " + a.type;
      return false;
    }
    // A provider that cannot prepare requests does not serve yet (its keys were validated).
    if (!RELAY_PLUGIN_HAS(&plugin->table(), account_new) ||
        !RELAY_PLUGIN_HAS(&plugin->table(), prepare))
      continue;
    auto acc = std::make_unique<ProviderAccount>(a, *plugin, env);
    relay_error_t err{};
    if (!acc->create(&err)) {
      *error = accountRejection(a, i, *plugin, err);
      return false;
    }
    accounts_[a.id] = std::move(acc);
  }
  return true;
}

ProviderAccount* ProviderSet::find(std::string_view id) const {
  auto it = accounts_.find(id);
  return it == accounts_.end() ? nullptr : it->second.get();
}

void ProviderSet::shutdown() {
  for (auto& [_, a] : accounts_) a->shutdown();
}

}  // namespace relay
