// list_models, and the built module: loads with dlopen, exports the table the host expects.
#include <dlfcn.h>
#include <doctest/doctest.h>

#include <algorithm>
#include <string>

#include "fake_host.h"

using namespace claude_test;

TEST_CASE("list_models names current Claude models with display names") {
  fake().reset();
  relay_plugin_account_t* a = newAccount("claude-api", R"({"id":"m","api_key":"k"})");
  REQUIRE(a != nullptr);
  CHECK(plugin().list_models(a, nullptr) == RELAY_OK);
  plugin().account_free(a);
  std::vector<std::string> ids;
  for (const auto& [id, name] : fake().models) {
    ids.push_back(id);
    CHECK(id.rfind("claude-", 0) == 0);
    CHECK(name.rfind("Claude ", 0) == 0);
  }
  for (const char* want : {"claude-opus-4-1", "claude-opus-4-5", "claude-sonnet-4-5",
                           "claude-sonnet-4-20250514", "claude-haiku-4-5"})
    CHECK_MESSAGE(std::find(ids.begin(), ids.end(), want) != ids.end(), want);
}

TEST_CASE("the built module initialises against a host and fills every provider hook") {
  void* module = dlopen(PLUGIN_CLAUDE_PATH, RTLD_NOW | RTLD_LOCAL);
  std::string why = module ? "" : dlerror();
  REQUIRE_MESSAGE(module != nullptr, why);
  auto version = reinterpret_cast<uint32_t (*)()>(dlsym(module, "relay_plugin_abi_version"));
  auto init = reinterpret_cast<int (*)(const relay_host_t*, relay_plugin_t*)>(
      dlsym(module, "relay_plugin_init"));
  REQUIRE(static_cast<bool>(version));
  REQUIRE(static_cast<bool>(init));
  CHECK(version() == RELAY_PLUGIN_ABI_VERSION);
  relay_plugin_t table{};
  table.struct_size = sizeof(table);
  REQUIRE(init(fakeHostTable(), &table) == RELAY_OK);
  CHECK(std::string(table.name) == "claude");
  CHECK(std::string(table.account_types[0]) == "claude-oauth");
  CHECK(std::string(table.account_types[1]) == "claude-api");
  CHECK(table.account_types[2] == nullptr);
  CHECK(RELAY_PLUGIN_HAS(&table, prepare));
  CHECK(RELAY_PLUGIN_HAS(&table, classify));
  CHECK(RELAY_PLUGIN_HAS(&table, refresh));
  CHECK(RELAY_PLUGIN_HAS(&table, on_http_done));
  CHECK(RELAY_PLUGIN_HAS(&table, response_begin));
  CHECK(RELAY_PLUGIN_HAS(&table, list_models));
  CHECK_FALSE(RELAY_PLUGIN_HAS(&table, translator_new));

  // A host without the request callbacks is refused.
  relay_host_t bare{};
  bare.struct_size = sizeof(bare);
  bare.abi_version = RELAY_PLUGIN_ABI_VERSION;
  relay_plugin_t other{};
  other.struct_size = sizeof(other);
  CHECK(init(&bare, &other) == RELAY_ERROR);
  dlclose(module);
}
