#include "filters/provider/serving_providers.h"

#include "core/chain/route_table.h"
#include "core/plugin/plugin_registry.h"
#include "core/server_context.h"
#include "filters/provider/provider_formats.h"

namespace relay {

namespace {

bool canServe(const PluginRegistry& plugins, const relay_plugin_t& p, std::string_view format) {
  if (!RELAY_PLUGIN_HAS(&p, prepare)) return false;
  if (servesFormat(p, format)) return true;
  for (const std::string& native : nativeFormats(p))
    if (plugins.translatorFor(format, native)) return true;
  return false;
}

}  // namespace

std::vector<std::string> servingProviders(const ServerContext& server, const RequestState& state) {
  if (state.route && !state.route->providers.empty()) return state.route->providers;
  std::vector<std::string> out;
  if (!server.plugins) return out;
  std::string_view format = wireFormatName(state.format);
  for (const auto& plugin : server.plugins->plugins())
    if (canServe(*server.plugins, plugin->table(), format)) out.push_back(plugin->name());
  return out;
}

}  // namespace relay
