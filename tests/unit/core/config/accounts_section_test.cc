#include <doctest/doctest.h>

#include <rapidjson/document.h>

#include "config_test_util.h"
#include "core/config/account_key_error.h"

namespace relay {

using test::loadError;
using test::loadOk;

TEST_CASE("accounts of each README type are read with their fields and marks") {
  Config c = loadOk(
      "accounts:\n"
      "  - type: claude-oauth\n"
      "    id: claude-1\n"
      "    name: Claude OAuth Account\n"
      "    priority: 100\n"
      "    enabled: true\n"
      "    refresh_token: rt-1\n"
      "    api_url: https://api.anthropic.com\n"
      "    token_url: http://127.0.0.1:9/token\n"
      "    client_id: cid\n"
      "    access_token: at-1\n"
      "    expires_at: 1700000000\n"
      "    ca_file: /etc/ca.pem\n"
      "  - type: claude-api\n"
      "    id: claude-api-1\n"
      "    api_key: sk-ant-api03-xxxx\n"
      "  - type: gemini\n"
      "    id: gemini-1\n"
      "    refresh_token: g-rt\n"
      "    client_secret: cs\n"
      "    project_id: my-project\n"
      "    proxy:\n"
      "      type: http\n"
      "      host: proxy.example.com\n"
      "      port: 8080\n"
      "      username: user\n"
      "      password: pass\n");
  REQUIRE(c.accounts.size() == 3);
  const AccountConfig& a = c.accounts[0];
  CHECK(a.type == "claude-oauth");
  CHECK(a.id == "claude-1");
  CHECK(a.name == "Claude OAuth Account");
  CHECK(a.priority == 100);
  CHECK(a.enabled);
  CHECK(a.api_url == "https://api.anthropic.com");
  CHECK(a.ca_file == "/etc/ca.pem");
  // The provider's own keys are not read by the core: they reach the plugin in the JSON.
  rapidjson::Document d;
  d.Parse(a.json.c_str());
  REQUIRE_FALSE(d.HasParseError());
  CHECK(std::string(d["refresh_token"].GetString()) == "rt-1");
  CHECK(std::string(d["token_url"].GetString()) == "http://127.0.0.1:9/token");
  CHECK(std::string(d["client_id"].GetString()) == "cid");
  CHECK(std::string(d["access_token"].GetString()) == "at-1");
  CHECK(std::string(d["expires_at"].GetString()) == "1700000000");
  CHECK_FALSE(a.proxy);
  CHECK(a.mark.file == "relay.yaml");
  CHECK(a.mark.line == 2);
  CHECK(a.mark.column == 5);

  const AccountConfig& b = c.accounts[1];
  CHECK(b.name == "claude-api-1");  // defaults to the id
  CHECK(b.priority == 50);
  CHECK(b.mark.line == 14);

  const AccountConfig& g = c.accounts[2];
  REQUIRE(g.proxy);
  CHECK(g.proxy->type == "http");
  CHECK(g.proxy->host == "proxy.example.com");
  CHECK(g.proxy->port == 8080);
  CHECK(g.proxy->username == "user");
  CHECK(g.proxy->password == "pass");
}

TEST_CASE("the account json keeps every key: core keys typed, the plugin's as strings") {
  Config c = loadOk(
      "accounts:\n"
      "  - type: gemini\n"
      "    id: g1\n"
      "    priority: \"7\"\n"
      "    enabled: no\n"
      "    refresh_token: 12345\n"
      "    expires_at: 99\n"
      "    project_id: p-1\n"
      "    model_map: {gemini-pro: gemini-2.5-pro}\n"
      "    proxy: {type: socks5, host: 127.0.0.1, port: 1080}\n");
  rapidjson::Document d;
  d.Parse(c.accounts[0].json.c_str());
  REQUIRE_FALSE(d.HasParseError());
  CHECK(std::string(d["type"].GetString()) == "gemini");
  CHECK(d["priority"].IsInt());
  CHECK(d["priority"].GetInt() == 7);
  CHECK(d["enabled"].IsFalse());
  CHECK(d["refresh_token"].IsString());  // a token that looks numeric stays a string
  CHECK(std::string(d["refresh_token"].GetString()) == "12345");
  CHECK(std::string(d["expires_at"].GetString()) == "99");  // the plugin parses its own keys
  CHECK(std::string(d["project_id"].GetString()) == "p-1");
  CHECK(std::string(d["model_map"]["gemini-pro"].GetString()) == "gemini-2.5-pro");
  CHECK(d["proxy"]["port"].IsInt());
  CHECK(d["proxy"]["port"].GetInt() == 1080);
  CHECK(std::string(d["proxy"]["type"].GetString()) == "socks5");
  CHECK_FALSE(d.HasMember("name"));  // only what the mapping holds
  REQUIRE(c.accounts[0].model_map.size() == 1);
  CHECK(c.accounts[0].model_map[0] ==
        std::pair<std::string, std::string>{"gemini-pro", "gemini-2.5-pro"});
}

TEST_CASE("keys the core has never heard of reach the plugin with their shape") {
  Config c = loadOk(
      "accounts:\n"
      "  - type: echo-api\n"
      "    id: e1\n"
      "    echo_secret: s3cret\n"
      "    empty:\n"
      "    tags: [a, 1]\n"
      "    nested: {depth: {x: \"y\"}}\n");
  rapidjson::Document d;
  d.Parse(c.accounts[0].json.c_str());
  REQUIRE_FALSE(d.HasParseError());
  CHECK(std::string(d["echo_secret"].GetString()) == "s3cret");
  CHECK(d["empty"].IsNull());
  REQUIRE(d["tags"].IsArray());
  CHECK(std::string(d["tags"][1].GetString()) == "1");
  CHECK(std::string(d["nested"]["depth"]["x"].GetString()) == "y");
}

TEST_CASE("a duplicate account id names both places") {
  CHECK(loadError("server:\n"
                  "  port: 3000\n"
                  "# accounts\n"
                  "accounts:\n"
                  "  - type: claude-api\n"
                  "    name: first\n"
                  "    api_key: k\n"
                  "    id: claude-1\n"
                  "  - type: claude-api\n"
                  "    name: second\n"
                  "    api_key: k2\n"
                  "    id: claude-1\n") ==
        "relay.yaml:12:5: accounts[1].id: duplicate account id \"claude-1\" (first at line 8)");
}

TEST_CASE("the core requires only type and id; the rest is the plugin's to require") {
  CHECK(loadError("accounts:\n  - id: c\n") ==
        "relay.yaml:2:5: accounts[0]: missing required key 'type'");
  CHECK(loadError("accounts:\n  - type: claude-api\n    api_key: k\n") ==
        "relay.yaml:2:5: accounts[0]: missing required key 'id'");
  // No credentials and unknown keys pass here: the plugin checks them (provider tests).
  CHECK(loadOk("accounts:\n  - type: claude-oauth\n    id: claude-1\n    priorty: 1\n")
            .accounts[0]
            .type == "claude-oauth");
  CHECK(loadOk("accounts:\n  - type: openai-api\n    id: o\n").accounts[0].type == "openai-api");
  CHECK(loadError("accounts:\n  - type: x\n    id: c\n    k: 1\n    k: 2\n") ==
        "relay.yaml:5:5: accounts[0].k: duplicate key (first at line 4)");
}

TEST_CASE("account keys are checked for name and type") {
  CHECK(loadError(
            "accounts:\n  - type: claude-api\n    id: c\n    api_key: k\n    enabled: sure\n") ==
        "relay.yaml:5:14: accounts[0].enabled: expected true or false, got \"sure\"");
  CHECK(loadError(
            "accounts:\n  - type: claude-api\n    id: c\n    api_key: k\n    priority: high\n") ==
        "relay.yaml:5:15: accounts[0].priority: expected an integer from -1000000 to 1000000, got "
        "\"high\"");
  CHECK(loadError("accounts:\n  - type: claude-api\n    id: \"a b\"\n    api_key: k\n") ==
        "relay.yaml:3:9: accounts[0].id: expected letters, digits and - _ . : @ only, got \"a b\"");
  CHECK(loadError("accounts:\n  - type: claude-api\n    id: c\n    api_url: [k]\n") ==
        "relay.yaml:4:14: accounts[0].api_url: expected a string, got a list");
  CHECK(loadError("accounts:\n  - type: gemini\n    id: g\n    refresh_token: r\n"
                  "    model_map: {a: [b]}\n") ==
        "relay.yaml:5:20: accounts[0].model_map.a: expected a string, got a list");
  CHECK(loadError("accounts: {a: 1}\n") ==
        "relay.yaml:1:11: accounts: expected a list of accounts, got a map");
  CHECK(loadError("accounts:\n  - just-a-string\n") ==
        "relay.yaml:2:5: accounts[0]: expected a map of keys, got \"just-a-string\"");
}

TEST_CASE("proxies need type, host and port") {
  const std::string head = "accounts:\n  - type: claude-api\n    id: c\n    api_key: k\n";
  CHECK(loadError(head + "    proxy:\n      host: h\n      port: 1080\n") ==
        "relay.yaml:6:7: accounts[0].proxy: missing required key 'type'");
  CHECK(loadError(head + "    proxy:\n      type: socks5\n      port: 1080\n") ==
        "relay.yaml:6:7: accounts[0].proxy: missing required key 'host'");
  CHECK(loadError(head + "    proxy:\n      type: socks5\n      host: h\n") ==
        "relay.yaml:6:7: accounts[0].proxy: missing required key 'port'");
  CHECK(loadError(head + "    proxy:\n      type: socks4\n      host: h\n      port: 1\n") ==
        "relay.yaml:6:13: accounts[0].proxy.type: expected one of socks5, http, got \"socks4\"");
  CHECK(loadError(head + "    proxy:\n      type: http\n      host: h\n      port: 0\n") ==
        "relay.yaml:8:13: accounts[0].proxy.port: expected an integer 1-65535, got \"0\"");
  CHECK(loadError(head + "    proxy:\n      type: http\n      host: h\n      port: 1\n"
                         "      pasword: x\n") ==
        "relay.yaml:9:7: accounts[0].proxy.pasword: unknown key (did you mean 'password'?)");
  CHECK(loadError(head + "    proxy:\n      type: http\n      host: h\n      port: 1\n"
                         "      password: x\n") ==
        "relay.yaml:9:7: accounts[0].proxy.password: a password needs a username");
  Config c =
      loadOk(head + "    proxy:\n      type: socks5\n      host: 127.0.0.1\n      port: 1080\n");
  REQUIRE(c.accounts[0].proxy);
  CHECK(c.accounts[0].proxy->username.empty());
}

TEST_CASE("an empty accounts list is valid") {
  CHECK(loadOk("accounts: []\n").accounts.empty());
}

}  // namespace relay

namespace relay {

TEST_CASE("a key a plugin rejects is located at its value, an unknown key at the key") {
  Config c = loadOk(
      "accounts:\n"
      "  - type: t\n"
      "    id: a\n"
      "    expires_at: -4\n"
      "    model_map:\n"
      "      gpt-4.1: x\n"
      "    empty:\n");
  const AccountConfig& a = c.accounts[0];
  CHECK(accountKeyError(a, 0, "expires_at", "expected an integer >= 0, got \"-4\"") ==
        "relay.yaml:4:17: accounts[0].expires_at: expected an integer >= 0, got \"-4\"");
  CHECK(accountKeyError(a, 0, "expires_at", "unknown key") ==
        "relay.yaml:4:5: accounts[0].expires_at: unknown key");
  // A model name with a dot is one key, not two.
  CHECK(accountKeyError(a, 0, "model_map.gpt-4.1", "bad") ==
        "relay.yaml:6:16: accounts[0].model_map.gpt-4.1: bad");
  CHECK(accountKeyError(a, 0, "empty", "expected a string") ==
        "relay.yaml:7:5: accounts[0].empty: expected a string");
  CHECK(accountKeyError(a, 0, "", "missing required key 'k'") ==
        "relay.yaml:2:5: accounts[0]: missing required key 'k'");
  CHECK(accountKeyError(a, 0, "nowhere", "m") == "relay.yaml:2:5: accounts[0].nowhere: m");
  // Locating never changes the tree.
  CHECK(YAML::Dump(a.node) ==
        YAML::Dump(YAML::Load("type: t\nid: a\nexpires_at: -4\nmodel_map:\n  gpt-4.1: x\n"
                              "empty:\n")));
}

}  // namespace relay
