// Every configured account's plugin side, created on the control loop at start-up.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "core/plugin/plugin_registry.h"
#include "core/provider/provider_account.h"

namespace relay {

class ProviderSet {
 public:
  // Creates each account through its plugin; stops at the first account a plugin rejects
  // ("file:line:col: accounts[i].<key>: why").
  bool create(const std::vector<AccountConfig>& accounts, const PluginRegistry& plugins,
              ProviderEnvironment& env, std::string* error);
  ProviderAccount* find(std::string_view id) const;
  void forEach(const std::function<void(ProviderAccount&)>& fn) const {
    for (const auto& [_, a] : accounts_) fn(*a);
  }
  // Control loop: frees every plugin account.
  void shutdown();

 private:
  std::map<std::string, std::unique_ptr<ProviderAccount>, std::less<>> accounts_;
};

}  // namespace relay
