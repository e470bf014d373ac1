#include "filters/provider/provider_formats.h"

namespace relay {

std::vector<std::string> nativeFormats(const relay_plugin_t& plugin) {
  std::vector<std::string> out;
  if (!RELAY_PLUGIN_HAS(&plugin, formats)) return out;
  for (const char* const* f = plugin.formats; *f; ++f) out.emplace_back(*f);
  return out;
}

bool servesFormat(const relay_plugin_t& plugin, std::string_view format) {
  if (!RELAY_PLUGIN_HAS(&plugin, formats)) return true;
  for (const char* const* f = plugin.formats; *f; ++f)
    if (format == *f) return true;
  return false;
}

}  // namespace relay
