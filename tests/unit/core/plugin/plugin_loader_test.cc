// PluginLoader: version checks, init failures, struct_size handling, and the real plugins.
#include "core/plugin/plugin_loader.h"

#include <doctest/doctest.h>

#include <cstring>
#include <string>
#include <vector>

#include "core/obs/redact.h"
#include "core/plugin/plugin_host.h"

namespace {

using relay::PluginLoader;
using relay::PluginLoadResult;

PluginLoadResult load(const std::string& path) {
  return PluginLoader(relay::pluginHostTable()).load(path);
}

// doctest cannot print function pointers; compare them as booleans.
template <typename Fn>
bool isSet(Fn fn) {
  return fn != nullptr;
}

std::string refusal(const std::string& path) {
  PluginLoadResult result = load(path);
  CHECK(result.plugin == nullptr);
  return result.error;
}

}  // namespace

TEST_CASE("a plugin built for another major ABI is refused with both versions") {
  std::string path = FIXTURE_WRONG_MAJOR;
  CHECK(refusal(path) ==
        path + ": built for relay plugin ABI 2.0, this relay speaks 1.3; rebuild the plugin");
}

TEST_CASE("a plugin built for a newer minor ABI is accepted") {
  PluginLoadResult result = load(FIXTURE_NEWER_MINOR);
  REQUIRE(result.plugin != nullptr);
  CHECK(result.error.empty());
  CHECK(result.plugin->abiVersion() == ((1u << 16) | 7u));
  CHECK(result.plugin->name() == "newer-minor");
  CHECK(result.plugin->accountTypes() == std::vector<std::string>{"fixture-newer-minor"});
}

TEST_CASE("a plugin without relay_plugin_init is refused") {
  std::string path = FIXTURE_NO_INIT;
  CHECK(refusal(path) == path +
                             ": built for relay plugin ABI 1.3 but does not export "
                             "relay_plugin_init, this relay speaks 1.3; rebuild the plugin");
}

TEST_CASE("a shared object that is not a relay plugin is refused") {
  // libm is loadable but exports no relay symbols.
  CHECK(refusal("libm.so.6") ==
        "libm.so.6: not a relay plugin: it does not export relay_plugin_abi_version (this relay "
        "speaks plugin ABI 1.3)");
}

TEST_CASE("a file that cannot be opened is refused with dlopen's reason") {
  std::string missing = std::string(TEST_BUILD_DIR) + "/no_such_dir/librelay_missing.so";
  std::string error = refusal(missing);
  CHECK(error.rfind(missing + ": cannot load plugin: ", 0) == 0);
  CHECK(error.find("No such file") != std::string::npos);
}

TEST_CASE("a plugin whose init fails is refused with the return code and both versions") {
  std::string path = FIXTURE_INIT_FAILS;
  CHECK(refusal(path) == path +
                             ": relay_plugin_init failed with -7 (plugin built for relay plugin "
                             "ABI 1.3, this relay speaks 1.3)");
}

TEST_CASE("hooks beyond a plugin's struct_size read as NULL") {
  PluginLoadResult result = load(FIXTURE_SMALL_TABLE);
  REQUIRE(result.plugin != nullptr);
  const relay_plugin_t& table = result.plugin->table();
  CHECK(result.plugin->tableSize() == offsetof(relay_plugin_t, prepare));
  CHECK(isSet(table.account_new));
  CHECK(isSet(table.account_free));
  CHECK_FALSE(isSet(table.prepare));  // the fixture wrote junk here, past its claimed size
  CHECK_FALSE(isSet(table.refresh));
  CHECK_FALSE(isSet(table.translate_error));
  CHECK_FALSE(RELAY_PLUGIN_HAS(&table, prepare));
  CHECK(RELAY_PLUGIN_HAS(&table, account_new));
  relay_error_t err{};
  relay_plugin_account_t* account =
      table.account_new(nullptr, {"fixture-small", 13}, {"{}", 2}, &err);
  CHECK(account != nullptr);
  table.account_free(account);
}

TEST_CASE("a table too small for the v1 header is refused") {
  std::string path = FIXTURE_TINY_TABLE;
  CHECK(refusal(path) == path +
                             ": plugin table is 4 bytes, smaller than the 32-byte header of "
                             "relay plugin ABI 1.3; rebuild the plugin");
}

TEST_CASE("the real plugins load and declare their account types") {
  struct Expect {
    const char* path;
    const char* name;
    std::vector<std::string> types;
    std::vector<std::string> translations;
  };
  const Expect cases[] = {
      {PLUGIN_CLAUDE, "claude", {"claude-oauth", "claude-api"}, {}},
      {PLUGIN_GEMINI, "gemini", {"gemini", "gemini-api"}, {}},
      {PLUGIN_OPENAI,
       "openai",
       {"openai-api"},
       {"openai-chat>anthropic", "openai-responses>anthropic"}},
  };
  for (const Expect& expect : cases) {
    CAPTURE(expect.path);
    PluginLoadResult result = load(expect.path);
    REQUIRE_MESSAGE(result.plugin != nullptr, result.error);
    CHECK(result.plugin->path() == expect.path);
    CHECK(result.plugin->name() == expect.name);
    CHECK(result.plugin->abiVersion() == RELAY_PLUGIN_ABI_VERSION);
    CHECK(result.plugin->tableSize() == sizeof(relay_plugin_t));
    CHECK(result.plugin->accountTypes() == expect.types);
    CHECK(result.plugin->translations() == expect.translations);
  }
}

TEST_CASE("a plugin table filled by a newer plugin is cut to the host's size") {
  // relay_plugin_publish is what the real plugins use: it never writes past the host's size.
  relay_plugin_t bigger[2];
  memset(bigger, 0xAB, sizeof(bigger));
  relay_plugin_t mine{};
  mine.struct_size = sizeof(mine);
  mine.name = "x";
  bigger[0].struct_size = static_cast<uint32_t>(offsetof(relay_plugin_t, account_new));
  relay_plugin_publish(&bigger[0], &mine);
  CHECK(bigger[0].struct_size == offsetof(relay_plugin_t, account_new));
  CHECK_FALSE(isSet(bigger[0].unload));
  unsigned char first_untouched;
  memcpy(&first_untouched,
         reinterpret_cast<unsigned char*>(&bigger[0]) + offsetof(relay_plugin_t, account_new), 1);
  CHECK(first_untouched == 0xAB);
}

TEST_CASE("ABI versions format as major.minor") {
  CHECK(relay::formatAbiVersion(RELAY_PLUGIN_ABI_VERSION) == "1.3");
  CHECK(relay::formatAbiVersion((3u << 16) | 12u) == "3.12");
}

TEST_CASE("a plugin built against the ABI 1.0 header loads, serves every format, has no family") {
  PluginLoadResult result = load(FIXTURE_ABI_1_0_PROVIDER);
  REQUIRE_MESSAGE(result.plugin != nullptr, result.error);
  const relay::LoadedPlugin& plugin = *result.plugin;
  CHECK(plugin.abiVersion() == (1u << 16));
  // Its table ends where 1.0 ended: before formats.
  CHECK(plugin.tableSize() == offsetof(relay_plugin_t, formats));
  CHECK_FALSE(RELAY_PLUGIN_HAS(&plugin.table(), formats));
  CHECK_FALSE(RELAY_PLUGIN_HAS(&plugin.table(), classify_answer));
  CHECK_FALSE(RELAY_PLUGIN_HAS(&plugin.table(), model_family));
  CHECK(plugin.servesAllFormats());
  CHECK(plugin.servesFormat("anthropic"));
  CHECK(plugin.servesFormat("gemini"));
  CHECK(plugin.modelFamily("any-model") == "");
  CHECK(plugin.accountTypes() == std::vector<std::string>{"fixture-legacy"});
  // Its 1.0 hooks work: account_new reads its own keys from the config JSON.
  const relay_plugin_t& table = plugin.table();
  relay_error_t err{};
  std::string bad = R"({"type":"fixture-legacy","id":"x"})";
  CHECK(table.account_new(nullptr, {"fixture-legacy", 14}, {bad.data(), bad.size()}, &err) ==
        nullptr);
  CHECK(std::string(err.message) == "fixture-legacy needs api_url");
  std::string good = R"({"type":"fixture-legacy","id":"x","api_url":"http://127.0.0.1:1"})";
  relay_plugin_account_t* account =
      table.account_new(nullptr, {"fixture-legacy", 14}, {good.data(), good.size()}, &err);
  REQUIRE(account != nullptr);
  table.account_free(account);
}

TEST_CASE("a plugin built against the ABI 1.1 header loads and has no login hooks") {
  PluginLoadResult result = load(FIXTURE_ABI_1_1_PROVIDER);
  REQUIRE_MESSAGE(result.plugin != nullptr, result.error);
  const relay::LoadedPlugin& plugin = *result.plugin;
  CHECK(plugin.abiVersion() == ((1u << 16) | 1u));
  // Its table ends where 1.1 ended: before login_begin.
  CHECK(plugin.tableSize() == offsetof(relay_plugin_t, login_begin));
  CHECK(RELAY_PLUGIN_RESPONSE_OBSERVES(&plugin.table()));
  CHECK(plugin.formats() == std::vector<std::string>{"anthropic"});
  CHECK_FALSE(RELAY_PLUGIN_HAS(&plugin.table(), login_begin));
  CHECK_FALSE(RELAY_PLUGIN_HAS(&plugin.table(), login_exchange));
  CHECK_FALSE(RELAY_PLUGIN_HAS(&plugin.table(), login_import));
  CHECK_FALSE(RELAY_PLUGIN_HAS(&plugin.table(), credentials_changed));
}

TEST_CASE("the real plugins declare their formats and model families (ABI 1.1)") {
  PluginLoadResult claude = load(PLUGIN_CLAUDE);
  REQUIRE_MESSAGE(claude.plugin != nullptr, claude.error);
  CHECK_FALSE(claude.plugin->servesAllFormats());
  CHECK(claude.plugin->formats() == std::vector<std::string>{"anthropic"});
  CHECK(claude.plugin->servesFormat("anthropic"));
  CHECK_FALSE(claude.plugin->servesFormat("openai-chat"));
  CHECK(claude.plugin->modelFamily("claude-opus-4-1-20250805") == "opus");
  CHECK(claude.plugin->modelFamily("claude-sonnet-4-5") == "sonnet");
  CHECK(claude.plugin->modelFamily("claude-3-5-haiku-latest") == "haiku");
  CHECK(claude.plugin->modelFamily("gemini-2.5-pro") == "");

  PluginLoadResult gemini = load(PLUGIN_GEMINI);
  REQUIRE_MESSAGE(gemini.plugin != nullptr, gemini.error);
  CHECK(gemini.plugin->formats() == std::vector<std::string>{"gemini"});
  CHECK(gemini.plugin->modelFamily("gemini-2.5-pro") == "gemini-2.5-pro");
  CHECK(gemini.plugin->modelFamily("") == "");

  PluginLoadResult openai = load(PLUGIN_OPENAI);
  REQUIRE_MESSAGE(openai.plugin != nullptr, openai.error);
  CHECK(openai.plugin->formats() == std::vector<std::string>{"openai-chat", "openai-responses"});
  CHECK(openai.plugin->servesFormat("openai-responses"));
  CHECK_FALSE(openai.plugin->servesFormat("anthropic"));
}

TEST_CASE("a plugin's secret_prefixes are masked in log lines: core knows no vendor shape") {
  const std::string line = "got zq-fixture-AbCdEf0123456789_xyz. from no-such-thing here";
  CHECK(relay::redactSecrets(line) == line);  // nothing in core recognises the shape
  PluginLoadResult result = load(FIXTURE_SECRET_SHAPE);
  REQUIRE_MESSAGE(result.plugin != nullptr, result.error);
  CHECK(result.plugin->secretPrefixes() == std::vector<std::string>{"zq-fixture-", "no"});
  CHECK(relay::redactSecrets(line) == "got zq-fixture-[REDACTED]. from no-such-thing here");
  CHECK(relay::redactSecrets("ZQ-FIXTURE-abcdefgh1") == "ZQ-FIXTURE-[REDACTED]");
  CHECK(relay::redactSecrets("zq-fixture-short") == "zq-fixture-short");  // under 8 characters
}

TEST_CASE("the real plugins declare their secret shapes (ABI 1.3)") {
  PluginLoadResult claude = load(PLUGIN_CLAUDE);
  REQUIRE_MESSAGE(claude.plugin != nullptr, claude.error);
  CHECK(claude.plugin->secretPrefixes() == std::vector<std::string>{"sk-ant-"});
  PluginLoadResult gemini = load(PLUGIN_GEMINI);
  REQUIRE_MESSAGE(gemini.plugin != nullptr, gemini.error);
  CHECK(gemini.plugin->secretPrefixes() == std::vector<std::string>{"ya29.", "1//", "AIza"});
  CHECK(relay::redactSecrets("rt 1//0gAbCdEfGhIjKlMn and ya29.a0AfB_byC123") ==
        "rt 1//[REDACTED] and ya29.[REDACTED]");
}

TEST_CASE("a plugin built against the ABI 1.2 header loads and has none of the 1.3 hooks") {
  PluginLoadResult result = load(FIXTURE_ABI_1_2_PROVIDER);
  REQUIRE_MESSAGE(result.plugin != nullptr, result.error);
  const relay::LoadedPlugin& plugin = *result.plugin;
  CHECK(plugin.abiVersion() == ((1u << 16) | 2u));
  // Its table ends where 1.2 ended: before credentials_committed.
  CHECK(plugin.tableSize() == offsetof(relay_plugin_t, credentials_committed));
  CHECK(isSet(plugin.table().refresh));
  CHECK_FALSE(RELAY_PLUGIN_HAS(&plugin.table(), credentials_committed));
  CHECK_FALSE(RELAY_PLUGIN_HAS(&plugin.table(), on_timer));
  CHECK_FALSE(RELAY_PLUGIN_HAS(&plugin.table(), secret_prefixes));
  CHECK_FALSE(RELAY_PLUGIN_HAS(&plugin.table(), account_response_observes));
  CHECK(plugin.secretPrefixes().empty());
}
