// validateAccounts: each plugin checks its own keys; the host locates the key it names.
#include "core/provider/account_validation.h"

#include <doctest/doctest.h>

#include "core/config/config.h"
#include "core/plugin/plugin_host.h"

namespace relay {
namespace {

const PluginRegistry& registry() {
  static PluginRegistry* r = [] {
    auto* reg = new PluginRegistry();
    PluginLoader loader(pluginHostTable());
    for (const char* path :
         {PLUGIN_CLAUDE, PLUGIN_GEMINI, PLUGIN_OPENAI, FIXTURE_ABI_1_0_PROVIDER}) {
      PluginLoadResult loaded = loader.load(path);
      REQUIRE_MESSAGE(loaded.plugin != nullptr, loaded.error);
      REQUIRE(reg->add(std::move(loaded.plugin)).empty());
    }
    return reg;
  }();
  return *r;
}

// The validation error for the accounts of `yaml` ("" = accepted).
std::string check(const std::string& yaml) {
  ConfigResult c = loadConfigString(yaml, "relay.yaml");
  REQUIRE_MESSAGE(c.config, c.error);
  return validateAccounts(c.config->accounts, registry());
}

}  // namespace

TEST_CASE("every account of the example configuration and the README types is accepted") {
  CHECK(check("accounts:\n"
              "  - type: claude-oauth\n"
              "    id: c1\n"
              "    refresh_token: rt\n"
              "    token_url: http://127.0.0.1:9/token\n"
              "    client_id: cid\n"
              "    access_token: \"\"\n"
              "    expires_at: 0\n"
              "    ca_file: \"\"\n"
              "    model_map: {a: b}\n"
              "  - {type: claude-oauth, id: c2, access_token: at, expires_at: \"1700000000\"}\n"
              "  - {type: claude-api, id: c3, api_key: sk-ant-api03-x, name: n, priority: 3}\n"
              "  - {type: gemini, id: g1, refresh_token: r, client_secret: s, project_id: p}\n"
              "  - {type: gemini-api, id: g2, api_key: AIza-x}\n"
              "  - {type: openai-api, id: o1, api_key: sk-x, organization: org}\n"
              "  - {type: fixture-legacy, id: l1, api_url: \"http://127.0.0.1:1\"}\n") == "");
}

TEST_CASE("a missing required key is reported at the account") {
  CHECK(check("accounts:\n  - type: claude-api\n    id: c\n") ==
        "relay.yaml:2:5: accounts[0]: missing required key 'api_key' for type claude-api");
  // OAuth accounts may start without tokens: `relay-server login` stores them.
  CHECK(check("accounts:\n  - type: claude-oauth\n    id: c\n") == "");
  CHECK(check("accounts:\n  - type: gemini\n    id: g\n") == "");
  CHECK(check("accounts:\n  - type: openai-api\n    id: o\n") ==
        "relay.yaml:2:5: accounts[0]: missing required key 'api_key' for type openai-api");
}

TEST_CASE("a rejected key is reported at its value, an unknown key at the key") {
  CHECK(check("accounts:\n  - type: claude-api\n    id: c\n    api_key: \"\"\n") ==
        "relay.yaml:4:14: accounts[0].api_key: expected a non-empty string for type claude-api");
  CHECK(check("accounts:\n  - type: claude-oauth\n    id: c\n    refresh_token: r\n    expires_at: "
              "-4\n") ==
        "relay.yaml:5:17: accounts[0].expires_at: expected an integer >= 0, got \"-4\"");
  // Each Claude type takes its own keys only: the other type's would be ignored.
  CHECK(
      check("accounts:\n  - type: claude-api\n    id: c\n    api_key: k\n    refresh_token: r\n") ==
      "relay.yaml:5:5: accounts[0].refresh_token: unknown key");
  CHECK(check("accounts:\n  - type: claude-oauth\n    id: c\n    api_key: k\n") ==
        "relay.yaml:4:5: accounts[0].api_key: unknown key");
  CHECK(check("accounts:\n  - type: claude-api\n    id: c\n    api_key: [k]\n") ==
        "relay.yaml:4:14: accounts[0].api_key: expected a string, got a list");
  CHECK(check("accounts:\n  - type: claude-api\n    id: c\n    api_key: k\n    priorty: 1\n") ==
        "relay.yaml:5:5: accounts[0].priorty: unknown key (did you mean 'priority'?)");
  CHECK(check("accounts:\n  - type: claude-api\n    id: c\n    api_key: k\n    project_id: p\n") ==
        "relay.yaml:5:5: accounts[0].project_id: unknown key");
  CHECK(check("accounts:\n  - {type: claude-api, id: ok, api_key: k}\n"
              "  - type: gemini-api\n    id: g\n    api_kye: k\n") ==
        "relay.yaml:5:5: accounts[1].api_kye: unknown key (did you mean 'api_key'?)");
}

TEST_CASE("a 1.0 plugin's rejection has no key: it is reported at the account") {
  CHECK(check("accounts:\n  - type: fixture-legacy\n    id: l\n") ==
        "relay.yaml:2:5: accounts[0]: fixture-legacy needs api_url");
}

}  // namespace relay
