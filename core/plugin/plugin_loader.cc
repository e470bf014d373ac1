#include "core/plugin/plugin_loader.h"

#include <dlfcn.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <mutex>
#include <utility>

#include "core/obs/redact.h"

namespace relay {
namespace {

using AbiVersionFn = uint32_t (*)(void);
using InitFn = int (*)(const relay_host_t*, relay_plugin_t*);

// Closes the handle unless released: every refusal path unloads what it opened.
struct HandleGuard {
  void* handle;
  ~HandleGuard() {
    if (handle) dlclose(handle);
  }
  void* release() { return std::exchange(handle, nullptr); }
};

// Handles owned by a live LoadedPlugin. dlopen of an already-open file returns the same
// handle; a second LoadedPlugin for it would init the plugin twice and unload it under the first.
std::mutex g_live_mutex;
std::map<void*, std::string> g_live_handles;  // handle -> path it was first loaded from

std::string livePathOf(void* handle) {
  std::lock_guard<std::mutex> lock(g_live_mutex);
  auto it = g_live_handles.find(handle);
  return it == g_live_handles.end() ? std::string() : it->second;
}

std::vector<std::string> copyList(const char* const* list) {
  std::vector<std::string> out;
  for (; list && *list; ++list) out.emplace_back(*list);
  return out;
}

std::string speaks() {
  return formatAbiVersion(RELAY_PLUGIN_ABI_VERSION);
}

PluginLoadResult refuse(std::string message) {
  return PluginLoadResult{nullptr, std::move(message)};
}

// A plugin must say who it is and what it serves, or nothing could ever use it.
std::string checkDeclarations(const std::string& path, const relay_plugin_t& table) {
  if (!table.name || !*table.name) return path + ": plugin declares no name; fix the plugin";
  bool serves =
      (table.account_types && *table.account_types) || (table.translations && *table.translations);
  if (!serves) {
    return path + ": plugin \"" + table.name +
           "\" declares no account types and no translations; fix the plugin";
  }
  return "";
}

// Runs init into a host-sized table and keeps only the bytes the plugin says it filled.
std::string initTable(const std::string& path, InitFn init, const relay_host_t* host,
                      uint32_t version, relay_plugin_t* table) {
  relay_plugin_t scratch{};
  scratch.struct_size = sizeof(relay_plugin_t);
  int rc = init(host, &scratch);
  if (rc != RELAY_OK) {
    return path + ": relay_plugin_init failed with " + std::to_string(rc) +
           " (plugin built for relay plugin ABI " + formatAbiVersion(version) +
           ", this relay speaks " + speaks() + ")";
  }
  size_t filled = std::min<size_t>(scratch.struct_size, sizeof(relay_plugin_t));
  if (filled < RELAY_PLUGIN_MIN_SIZE) {
    return path + ": plugin table is " + std::to_string(scratch.struct_size) +
           " bytes, smaller than the " + std::to_string(RELAY_PLUGIN_MIN_SIZE) +
           "-byte header of relay plugin ABI " + speaks() + "; rebuild the plugin";
  }
  *table = relay_plugin_t{};
  std::memcpy(static_cast<void*>(table), &scratch, filled);
  table->struct_size = static_cast<uint32_t>(filled);
  std::string error = checkDeclarations(path, *table);
  if (!error.empty() && RELAY_PLUGIN_HAS(table, unload)) table->unload();  // init succeeded
  return error;
}

}  // namespace

std::string formatAbiVersion(uint32_t version) {
  return std::to_string(version >> 16) + "." + std::to_string(version & 0xffffu);
}

LoadedPlugin::LoadedPlugin(std::string path, void* handle, uint32_t abi_version,
                           const relay_plugin_t& table)
    : path_(std::move(path)),
      handle_(handle),
      abi_version_(abi_version),
      table_(table),
      name_(table.name ? table.name : ""),
      account_types_(copyList(table.account_types)),
      translations_(copyList(table.translations)) {
  // 1.3: the provider's secret shapes join the log redactor's, so core keeps no vendor shapes.
  if (RELAY_PLUGIN_HAS(&table_, secret_prefixes)) {
    secret_prefixes_ = copyList(table_.secret_prefixes);
    for (const std::string& prefix : secret_prefixes_) addSecretPrefix(prefix);
  }
  if (RELAY_PLUGIN_HAS(&table_, formats)) {
    all_formats_ = false;
    formats_ = copyList(table_.formats);
  }
  std::lock_guard<std::mutex> lock(g_live_mutex);
  g_live_handles.emplace(handle_, path_);
}

LoadedPlugin::~LoadedPlugin() {
  if (RELAY_PLUGIN_HAS(&table_, unload)) table_.unload();
  {
    std::lock_guard<std::mutex> lock(g_live_mutex);
    g_live_handles.erase(handle_);
  }
  if (handle_) dlclose(handle_);
}

bool LoadedPlugin::servesFormat(std::string_view format) const {
  return all_formats_ || std::find(formats_.begin(), formats_.end(), format) != formats_.end();
}

std::string LoadedPlugin::modelFamily(std::string_view model) const {
  if (!RELAY_PLUGIN_HAS(&table_, model_family)) return "";
  char out[RELAY_FAMILY_MAX] = {};
  relay_slice_t m{model.data(), model.size()};
  if (table_.model_family(m, out, sizeof out) != RELAY_OK) return "";
  out[sizeof out - 1] = '\0';  // a plugin that forgot the NUL cannot overrun us
  return out;
}

PluginLoader::PluginLoader(const relay_host_t* host) : host_(host) {}

PluginLoadResult PluginLoader::load(const std::string& path) const {
  HandleGuard guard{dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL)};
  if (!guard.handle) {
    const char* why = dlerror();
    return refuse(path + ": cannot load plugin: " + (why ? why : "unknown dlopen error"));
  }
  std::string live = livePathOf(guard.handle);
  if (!live.empty()) {
    return refuse(path + ": the same file is already loaded from " + live +
                  "; list each plugin once");
  }
  auto version_fn = reinterpret_cast<AbiVersionFn>(dlsym(guard.handle, "relay_plugin_abi_version"));
  if (!version_fn) {
    return refuse(path + ": not a relay plugin: it does not export relay_plugin_abi_version " +
                  "(this relay speaks plugin ABI " + speaks() + ")");
  }
  uint32_t version = version_fn();
  if ((version >> 16) != RELAY_PLUGIN_ABI_MAJOR) {
    return refuse(path + ": built for relay plugin ABI " + formatAbiVersion(version) +
                  ", this relay speaks " + speaks() + "; rebuild the plugin");
  }
  auto init = reinterpret_cast<InitFn>(dlsym(guard.handle, "relay_plugin_init"));
  if (!init) {
    return refuse(path + ": built for relay plugin ABI " + formatAbiVersion(version) +
                  " but does not export relay_plugin_init, this relay speaks " + speaks() +
                  "; rebuild the plugin");
  }
  relay_plugin_t table{};
  std::string error = initTable(path, init, host_, version, &table);
  if (!error.empty()) return refuse(std::move(error));
  return PluginLoadResult{std::make_unique<LoadedPlugin>(path, guard.release(), version, table),
                          ""};
}

}  // namespace relay
