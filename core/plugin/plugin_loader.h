// Loads one plugin .so: dlopen, ABI version check, init, and the size-honouring table copy.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/abi/relay_plugin.h"

namespace relay {

// One loaded plugin. Owns the dlopen handle: the destructor calls the plugin's unload hook and
// dlcloses, so every account and stream of the plugin must be freed before it goes.
class LoadedPlugin {
 public:
  LoadedPlugin(std::string path, void* handle, uint32_t abi_version, const relay_plugin_t& table);
  ~LoadedPlugin();
  LoadedPlugin(const LoadedPlugin&) = delete;
  LoadedPlugin& operator=(const LoadedPlugin&) = delete;

  const std::string& path() const { return path_; }
  const std::string& name() const { return name_; }
  uint32_t abiVersion() const { return abi_version_; }  // (major << 16) | minor
  // The hooks; fields beyond what the plugin filled (tableSize()) are NULL.
  const relay_plugin_t& table() const { return table_; }
  size_t tableSize() const { return table_.struct_size; }
  const std::vector<std::string>& accountTypes() const { return account_types_; }
  const std::vector<std::string>& translations() const { return translations_; }
  // 1.1 `formats`: the client wire formats served natively. A 1.0 plugin (or a NULL list)
  // serves every format, as 1.0 hosts assumed; formats() is then empty.
  bool servesAllFormats() const { return all_formats_; }
  const std::vector<std::string>& formats() const { return formats_; }
  bool servesFormat(std::string_view format) const;
  // 1.3 `secret_prefixes`: the provider's secret shapes, registered with the log redactor.
  const std::vector<std::string>& secretPrefixes() const { return secret_prefixes_; }
  // 1.1 `model_family`: the name a model's limits are kept under ("" = none, also for a
  // plugin without the hook). Any thread.
  std::string modelFamily(std::string_view model) const;

 private:
  std::string path_;
  void* handle_;
  uint32_t abi_version_;
  relay_plugin_t table_;
  std::string name_;
  std::vector<std::string> account_types_;
  std::vector<std::string> translations_;
  bool all_formats_ = true;
  std::vector<std::string> formats_;
  std::vector<std::string> secret_prefixes_;
};

struct PluginLoadResult {
  std::unique_ptr<LoadedPlugin> plugin;  // null on failure
  std::string error;                     // one sentence naming the file; empty on success
};

class PluginLoader {
 public:
  // host is handed to every plugin's init and must outlive the plugins.
  explicit PluginLoader(const relay_host_t* host);
  PluginLoadResult load(const std::string& path) const;

 private:
  const relay_host_t* host_;
};

// "1.0" for (1 << 16) | 0.
std::string formatAbiVersion(uint32_t version);

}  // namespace relay
