// PluginRegistry: account type and translation lookup, duplicates, explicit plugin lists.
#include "core/plugin/plugin_registry.h"

#include <doctest/doctest.h>

#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>

#include "core/plugin/plugin_host.h"

namespace fs = std::filesystem;

namespace {

std::unique_ptr<relay::LoadedPlugin> load(const std::string& path) {
  relay::PluginLoadResult result = relay::PluginLoader(relay::pluginHostTable()).load(path);
  REQUIRE_MESSAGE(result.plugin != nullptr, result.error);
  return std::move(result.plugin);
}

}  // namespace

TEST_CASE("the registry maps account types to providers and pairs to translators") {
  relay::PluginRegistry registry;
  CHECK(registry.add(load(PLUGIN_CLAUDE)) == "");
  CHECK(registry.add(load(PLUGIN_GEMINI)) == "");
  CHECK(registry.add(load(PLUGIN_OPENAI)) == "");

  REQUIRE(registry.providerFor("claude-oauth") != nullptr);
  CHECK(registry.providerFor("claude-oauth")->name() == "claude");
  CHECK(registry.providerFor("claude-api")->name() == "claude");
  CHECK(registry.providerFor("gemini")->name() == "gemini");
  CHECK(registry.providerFor("openai-api")->name() == "openai");
  CHECK(registry.providerFor("claude") == nullptr);  // a plugin name is not an account type
  CHECK(registry.providerFor("") == nullptr);

  REQUIRE(registry.translatorFor("openai-chat>anthropic") != nullptr);
  CHECK(registry.translatorFor("openai-chat>anthropic")->name() == "openai");
  CHECK(registry.translatorFor("openai-responses", "anthropic")->name() == "openai");
  CHECK(registry.translatorFor("anthropic", "openai-chat") == nullptr);  // pairs are directed

  CHECK(registry.byName("gemini")->path() == PLUGIN_GEMINI);
  CHECK(registry.plugins().size() == 3);
}

TEST_CASE("an account type served by two plugins is an error and changes nothing") {
  relay::PluginRegistry registry;
  REQUIRE(registry.add(load(PLUGIN_CLAUDE)) == "");
  std::string error = registry.add(load(FIXTURE_DUPLICATE));
  CHECK(error == std::string(FIXTURE_DUPLICATE) +
                     ": account type \"claude-api\" is already served by plugin \"claude\" (" +
                     PLUGIN_CLAUDE + ")");
  CHECK(registry.providerFor("fixture-duplicate") == nullptr);  // all or nothing
  CHECK(registry.byName("duplicate") == nullptr);
  CHECK(registry.providerFor("claude-api")->name() == "claude");
  CHECK(registry.plugins().size() == 1);
}

TEST_CASE("the same file loaded twice is refused while the first copy lives") {
  relay::PluginLoader loader(relay::pluginHostTable());
  relay::PluginLoadResult first = loader.load(PLUGIN_OPENAI);
  REQUIRE(first.plugin != nullptr);
  relay::PluginLoadResult second = loader.load(PLUGIN_OPENAI);
  CHECK(second.plugin == nullptr);
  CHECK(second.error == std::string(PLUGIN_OPENAI) + ": the same file is already loaded from " +
                            PLUGIN_OPENAI + "; list each plugin once");
  first.plugin.reset();
  CHECK(loader.load(PLUGIN_OPENAI).plugin != nullptr);  // free again once the first is gone
}

TEST_CASE("two files declaring the same plugin name are refused by name") {
  fs::path copy = fs::temp_directory_path() / ("relay_plugin_copy_" + std::to_string(getpid())) /
                  "librelay_openai.so";
  fs::create_directories(copy.parent_path());
  fs::copy_file(PLUGIN_OPENAI, copy, fs::copy_options::overwrite_existing);
  relay::PluginRegistry registry;
  REQUIRE(registry.add(load(PLUGIN_OPENAI)) == "");
  std::string error = registry.add(load(copy.string()));
  CHECK(error == copy.string() +
                     ": plugin name \"openai\" is already taken by plugin \"openai\" (" +
                     PLUGIN_OPENAI + ")");
  CHECK(registry.plugins().size() == 1);
  fs::remove_all(copy.parent_path());
}

TEST_CASE("an explicit plugin list loads exactly those plugins") {
  relay::PluginLoader loader(relay::pluginHostTable());
  relay::PluginRegistry registry;
  CHECK(relay::loadPlugins({PLUGIN_GEMINI, FIXTURE_NEWER_MINOR}, loader, &registry) == "");
  REQUIRE(registry.plugins().size() == 2);
  CHECK(registry.plugins()[0]->name() == "gemini");
  CHECK(registry.plugins()[1]->name() == "newer-minor");
  CHECK(registry.providerFor("claude-oauth") == nullptr);
}

TEST_CASE("loading stops at the first plugin that is refused") {
  relay::PluginLoader loader(relay::pluginHostTable());
  relay::PluginRegistry registry;
  std::string error =
      relay::loadPlugins({PLUGIN_GEMINI, FIXTURE_WRONG_MAJOR, PLUGIN_CLAUDE}, loader, &registry);
  CHECK(error == std::string(FIXTURE_WRONG_MAJOR) +
                     ": built for relay plugin ABI 2.0, this relay speaks 1.3; rebuild the plugin");
  CHECK(registry.providerFor("claude-oauth") == nullptr);
}

TEST_CASE("a configured plugin adds to the loaded ones; an already loaded file is skipped") {
  relay::PluginLoader loader(relay::pluginHostTable());
  relay::PluginRegistry registry;
  REQUIRE(relay::loadPlugins({PLUGIN_CLAUDE}, loader, &registry) == "");
  CHECK(relay::loadConfiguredPlugin(FIXTURE_ABI_1_0_PROVIDER, loader, &registry) == "");
  CHECK(registry.providerFor("fixture-legacy") != nullptr);
  // The same file again (as `plugins:` may list an in-tree plugin): nothing happens.
  CHECK(relay::loadConfiguredPlugin(PLUGIN_CLAUDE, loader, &registry) == "");
  CHECK(registry.plugins().size() == 2);
  // Another file with a taken name is refused, naming both files.
  fs::path copy = fs::temp_directory_path() / ("relay_plugin_conf_" + std::to_string(getpid())) /
                  "librelay_other.so";
  fs::create_directories(copy.parent_path());
  fs::copy_file(PLUGIN_CLAUDE, copy, fs::copy_options::overwrite_existing);
  CHECK(relay::loadConfiguredPlugin(copy.string(), loader, &registry) ==
        copy.string() + ": plugin name \"claude\" is already taken by plugin \"claude\" (" +
            PLUGIN_CLAUDE + ")");
  CHECK(registry.plugins().size() == 2);
  fs::remove_all(copy.parent_path());
}
