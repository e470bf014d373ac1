// The built librelay_openai.so: loads with dlopen, exports the ABI symbols, and its
// translator answers through the host table it was given.
#include <dlfcn.h>
#include <doctest/doctest.h>

#include <string>

#include "relay_plugin.h"

namespace {
std::string g_body;
int setBody(relay_host_request_t*, relay_slice_t body) {
  g_body.assign(body.ptr, body.len);
  return RELAY_OK;
}
}  // namespace

TEST_CASE("module: loads, initialises and translates a request") {
  void* module = dlopen(PLUGIN_OPENAI_PATH, RTLD_NOW | RTLD_LOCAL);
  REQUIRE_MESSAGE(module, dlerror());
  auto version = reinterpret_cast<uint32_t (*)()>(dlsym(module, "relay_plugin_abi_version"));
  auto init = reinterpret_cast<int (*)(const relay_host_t*, relay_plugin_t*)>(
      dlsym(module, "relay_plugin_init"));
  REQUIRE((version != nullptr && init != nullptr));
  CHECK(version() == RELAY_PLUGIN_ABI_VERSION);

  relay_host_t host{};
  host.struct_size = sizeof(host);
  host.abi_version = RELAY_PLUGIN_ABI_VERSION;
  host.set_body = setBody;
  relay_plugin_t table{};
  table.struct_size = sizeof(table);
  REQUIRE(init(&host, &table) == RELAY_OK);
  CHECK(std::string(table.name) == "openai");
  REQUIRE(RELAY_PLUGIN_HAS(&table, translator_new));
  relay_error_t err{};
  std::string pair = "openai-chat>anthropic";
  relay_plugin_translator_t* t = table.translator_new({pair.data(), pair.size()}, &err);
  REQUIRE(t);
  std::string body = R"({"model":"m","messages":[{"role":"user","content":"hi"}]})";
  int token = 0;
  CHECK(table.translate_request(t, reinterpret_cast<relay_host_request_t*>(&token),
                                {body.data(), body.size()}, &err) == RELAY_OK);
  CHECK(g_body == R"({"model":"m","max_tokens":8192,"messages":[{"role":"user","content":[)"
                  R"({"type":"text","text":"hi"}]}]})");
  table.translator_free(t);
  dlclose(module);
}
