// Plugin discovery: build tree first, then the install dir; first file per name wins.
#include "core/plugin/plugin_discovery.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

// A scratch directory removed at the end of the test.
struct TempDir {
  fs::path path;
  TempDir() {
    path = fs::temp_directory_path() / ("relay_plugin_discovery_" + std::to_string(getpid()));
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
};

void touch(const fs::path& file) {
  fs::create_directories(file.parent_path());
  std::ofstream(file) << "not really a plugin";
}

}  // namespace

TEST_CASE("plugin names come from librelay_<name>.so") {
  CHECK(relay::pluginNameFromPath("build/plugins/claude/librelay_claude.so") == "claude");
  CHECK(relay::pluginNameFromPath("librelay_openai.so") == "openai");
  CHECK(relay::pluginNameFromPath("/x/libclaude.so") == "");
  CHECK(relay::pluginNameFromPath("/x/librelay_.so") == "");
  CHECK(relay::pluginNameFromPath("/x/librelay_claude.so.1") == "");
}

TEST_CASE("discovery scans the build tree, then the install dir, first hit per name") {
  TempDir tmp;
  fs::path build = tmp.path / "build" / "plugins";
  fs::path install = tmp.path / "lib" / "relay" / "plugins";
  touch(build / "claude" / "librelay_claude.so");
  touch(build / "claude" / "librelay_claude.so.p" / "claude_plugin.cc.o");  // build debris
  touch(build / "gemini" / "librelay_gemini.so");
  touch(build / "zz_copy" / "librelay_gemini.so");  // same name later in the tree: ignored
  touch(build / "librelay_toplevel.so");            // not inside a plugin folder: ignored
  touch(install / "librelay_claude.so");            // shadowed by the build tree
  touch(install / "librelay_openai.so");
  touch(install / "README");

  std::vector<std::string> found = relay::discoverPluginFiles(build.string(), install.string());
  CHECK(found == std::vector<std::string>{(build / "claude" / "librelay_claude.so").string(),
                                          (build / "gemini" / "librelay_gemini.so").string(),
                                          (install / "librelay_openai.so").string()});
}

TEST_CASE("missing discovery directories are skipped") {
  CHECK(relay::discoverPluginFiles("/nonexistent/relay/plugins", "").empty());
}

TEST_CASE("an explicit plugin list comes after the plugins found, in its order") {
  std::vector<std::string> explicit_paths = {"/a/librelay_x.so", "relative/librelay_y.so"};
  std::vector<std::string> files = relay::pluginFilesToLoad(explicit_paths);
  REQUIRE(files.size() >= 2);
  CHECK(std::vector<std::string>(files.end() - 2, files.end()) == explicit_paths);
  CHECK(files.size() == relay::pluginFilesToLoad({}).size() + 2);
}

TEST_CASE("the executable's directory comes from /proc/self/exe") {
  CHECK(fs::equivalent(relay::executableDir(), TEST_BUILD_DIR));
}
