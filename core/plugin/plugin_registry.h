// Which loaded plugin serves what: account type -> provider, "from>to" -> translator.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/plugin/plugin_loader.h"

namespace relay {

class PluginRegistry {
 public:
  // Takes the plugin when its name, account types and translations are all new; otherwise
  // returns one sentence naming both files and leaves the registry unchanged.
  std::string add(std::unique_ptr<LoadedPlugin> plugin);

  const LoadedPlugin* providerFor(std::string_view account_type) const;
  const LoadedPlugin* translatorFor(
      std::string_view pair) const;  // "<from>><to>", e.g. "fmt-a>fmt-b"
  const LoadedPlugin* translatorFor(std::string_view from, std::string_view to) const;
  const LoadedPlugin* byName(std::string_view name) const;

  const std::vector<std::unique_ptr<LoadedPlugin>>& plugins() const { return plugins_; }

 private:
  std::string conflict(const LoadedPlugin& plugin) const;

  std::vector<std::unique_ptr<LoadedPlugin>> plugins_;
  std::map<std::string, const LoadedPlugin*, std::less<>> by_account_type_;
  std::map<std::string, const LoadedPlugin*, std::less<>> by_translation_;
  std::map<std::string, const LoadedPlugin*, std::less<>> by_name_;
};

// Loads pluginFilesToLoad(explicit_paths) into registry; stops at the first error and returns
// it (a configured plugin that does not load stops start-up). Empty string on success.
std::string loadPlugins(const std::vector<std::string>& explicit_paths, const PluginLoader& loader,
                        PluginRegistry* registry);

// Loads one file the configuration lists. A file already loaded (e.g. an in-tree plugin listed
// explicitly) is skipped; a different file whose plugin name, account type or translation is
// taken is refused. The error (one sentence naming both files) or empty.
std::string loadConfiguredPlugin(const std::string& path, const PluginLoader& loader,
                                 PluginRegistry* registry);

}  // namespace relay
