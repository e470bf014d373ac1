// Where plugins come from: an explicit list (config `plugins:`) or the build/install layout.
#pragma once

#include <string>
#include <vector>

namespace relay {

// "echo" for ".../librelay_echo.so"; empty when the file name does not match.
std::string pluginNameFromPath(const std::string& path);

// Plugin files found in build_plugins_dir/<x>/librelay_*.so (the build tree), then in
// install_dir/librelay_*.so; the first file per plugin name wins. Missing dirs are skipped.
std::vector<std::string> discoverPluginFiles(const std::string& build_plugins_dir,
                                             const std::string& install_dir);

// The directory holding the running executable (from /proc/self/exe); empty if unknown.
std::string executableDir();

// The files to load: discoverPluginFiles(executableDir() + "/plugins",
// RELAY_PLUGIN_INSTALL_DIR), then explicit_paths (config `plugins:`) in their order; a second
// plugin with a name already loaded is refused by the registry.
std::vector<std::string> pluginFilesToLoad(const std::vector<std::string>& explicit_paths);

}  // namespace relay
