#include "core/plugin/plugin_discovery.h"

#include <algorithm>
#include <filesystem>
#include <set>
#include <system_error>

#include "relay_build_config.h"

namespace fs = std::filesystem;

namespace relay {
namespace {

constexpr std::string_view kPrefix = "librelay_";
constexpr std::string_view kSuffix = ".so";

// Sorted plugin files directly inside dir (no recursion); nothing when dir is missing.
std::vector<std::string> pluginFilesIn(const fs::path& dir) {
  std::vector<std::string> files;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::string path = it->path().string();
    if (!pluginNameFromPath(path).empty() && it->is_regular_file(ec)) files.push_back(path);
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::vector<fs::path> subdirsOf(const fs::path& dir) {
  std::vector<fs::path> dirs;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->is_directory(ec)) dirs.push_back(it->path());
  }
  std::sort(dirs.begin(), dirs.end());
  return dirs;
}

void addFirstPerName(const std::vector<std::string>& files, std::set<std::string>* seen,
                     std::vector<std::string>* out) {
  for (const std::string& file : files) {
    if (seen->insert(pluginNameFromPath(file)).second) out->push_back(file);
  }
}

}  // namespace

std::string pluginNameFromPath(const std::string& path) {
  std::string file = fs::path(path).filename().string();
  if (file.size() <= kPrefix.size() + kSuffix.size()) return "";
  if (file.compare(0, kPrefix.size(), kPrefix) != 0) return "";
  if (file.compare(file.size() - kSuffix.size(), kSuffix.size(), kSuffix) != 0) return "";
  return file.substr(kPrefix.size(), file.size() - kPrefix.size() - kSuffix.size());
}

std::vector<std::string> discoverPluginFiles(const std::string& build_plugins_dir,
                                             const std::string& install_dir) {
  std::vector<std::string> out;
  std::set<std::string> seen;
  if (!build_plugins_dir.empty()) {
    for (const fs::path& dir : subdirsOf(build_plugins_dir)) {
      addFirstPerName(pluginFilesIn(dir), &seen, &out);
    }
  }
  if (!install_dir.empty()) addFirstPerName(pluginFilesIn(install_dir), &seen, &out);
  return out;
}

std::string executableDir() {
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  return ec ? std::string() : exe.parent_path().string();
}

std::vector<std::string> pluginFilesToLoad(const std::vector<std::string>& explicit_paths) {
  std::string exe_dir = executableDir();
  std::vector<std::string> out =
      discoverPluginFiles(exe_dir.empty() ? "" : exe_dir + "/plugins", RELAY_PLUGIN_INSTALL_DIR);
  out.insert(out.end(), explicit_paths.begin(), explicit_paths.end());
  return out;
}

}  // namespace relay
