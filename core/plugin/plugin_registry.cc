#include "core/plugin/plugin_registry.h"

#include <filesystem>
#include <system_error>

#include "core/plugin/plugin_discovery.h"

namespace relay {
namespace {

template <typename Map>
const LoadedPlugin* find(const Map& map, std::string_view key) {
  auto it = map.find(key);
  return it == map.end() ? nullptr : it->second;
}

std::string owner(const LoadedPlugin& p) {
  return "plugin \"" + p.name() + "\" (" + p.path() + ")";
}

}  // namespace

std::string PluginRegistry::conflict(const LoadedPlugin& plugin) const {
  const std::string& path = plugin.path();
  if (const LoadedPlugin* other = byName(plugin.name())) {
    return path + ": plugin name \"" + plugin.name() + "\" is already taken by " + owner(*other);
  }
  for (const std::string& type : plugin.accountTypes()) {
    if (const LoadedPlugin* other = providerFor(type)) {
      return path + ": account type \"" + type + "\" is already served by " + owner(*other);
    }
  }
  for (const std::string& pair : plugin.translations()) {
    if (const LoadedPlugin* other = translatorFor(pair)) {
      return path + ": translation \"" + pair + "\" is already offered by " + owner(*other);
    }
  }
  return "";
}

std::string PluginRegistry::add(std::unique_ptr<LoadedPlugin> plugin) {
  std::string error = conflict(*plugin);
  if (!error.empty()) return error;
  const LoadedPlugin* p = plugin.get();
  by_name_.emplace(p->name(), p);
  for (const std::string& type : p->accountTypes()) by_account_type_.emplace(type, p);
  for (const std::string& pair : p->translations()) by_translation_.emplace(pair, p);
  plugins_.push_back(std::move(plugin));
  return "";
}

const LoadedPlugin* PluginRegistry::providerFor(std::string_view account_type) const {
  return find(by_account_type_, account_type);
}

const LoadedPlugin* PluginRegistry::translatorFor(std::string_view pair) const {
  return find(by_translation_, pair);
}

const LoadedPlugin* PluginRegistry::translatorFor(std::string_view from,
                                                  std::string_view to) const {
  std::string pair;
  pair.reserve(from.size() + 1 + to.size());
  pair.append(from).append(">").append(to);
  return translatorFor(pair);
}

const LoadedPlugin* PluginRegistry::byName(std::string_view name) const {
  return find(by_name_, name);
}

std::string loadPlugins(const std::vector<std::string>& explicit_paths, const PluginLoader& loader,
                        PluginRegistry* registry) {
  for (const std::string& path : pluginFilesToLoad(explicit_paths)) {
    PluginLoadResult loaded = loader.load(path);
    if (!loaded.plugin) return loaded.error;
    std::string error = registry->add(std::move(loaded.plugin));
    if (!error.empty()) return error;
  }
  return "";
}

}  // namespace relay

namespace relay {

std::string loadConfiguredPlugin(const std::string& path, const PluginLoader& loader,
                                 PluginRegistry* registry) {
  for (const auto& loaded : registry->plugins()) {
    std::error_code ec;
    if (std::filesystem::equivalent(path, loaded->path(), ec)) return "";
  }
  PluginLoadResult result = loader.load(path);
  if (!result.plugin) return result.error;
  return registry->add(std::move(result.plugin));
}

}  // namespace relay
