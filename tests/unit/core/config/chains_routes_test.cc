#include <doctest/doctest.h>

#include "config_test_util.h"

namespace relay {

using test::loadError;
using test::loadOk;

TEST_CASE("filter chains hold bare names and one-key maps with their config") {
  Config c = loadOk(
      "filter_chains:\n"
      "  anthropic:\n"
      "    - auth\n"
      "    - route\n"
      "    - failover: {max_attempts: 3, max_wait_seconds: 10}\n"
      "  openai_chat:\n"
      "    - auth\n"
      "    - route: {model_map: {gpt-4o: claude-sonnet-4-5}}\n"
      "    - account_select:\n"
      "        providers: [claude]\n"
      "    - no_such_filter\n");  // filter names are the server's to check
  REQUIRE(c.chains.size() == 2);
  const ChainConfig& a = c.chains.at("anthropic");
  CHECK(a.name == "anthropic");
  CHECK(a.mark.line == 2);
  CHECK(a.mark.column == 3);
  REQUIRE(a.filters.size() == 3);
  CHECK(a.filters[0].name == "auth");
  CHECK(a.filters[0].config.IsNull());
  CHECK(a.filters[0].mark.line == 3);
  CHECK(a.filters[0].mark.column == 7);
  CHECK(a.filters[2].name == "failover");
  CHECK(a.filters[2].config["max_attempts"].as<int>() == 3);
  CHECK(a.filters[2].mark.line == 5);
  const ChainConfig& o = c.chains.at("openai_chat");
  REQUIRE(o.filters.size() == 4);
  CHECK(o.filters[1].config["model_map"]["gpt-4o"].as<std::string>() == "claude-sonnet-4-5");
  CHECK(o.filters[2].config["providers"][0].as<std::string>() == "claude");
  CHECK(o.filters[2].config["providers"].Mark().line == 9);  // marks kept for the factory
  CHECK(o.filters[3].name == "no_such_filter");
}

TEST_CASE("filter config values get env substitution too") {
  Config c = loadOk("filter_chains:\n  x:\n    - failover:\n        max_attempts: ${N:-4}\n");
  CHECK(c.chains.at("x").filters[0].config["max_attempts"].as<int>() == 4);
}

TEST_CASE("malformed chains are located") {
  CHECK(loadError("filter_chains: [a]\n") ==
        "relay.yaml:1:16: filter_chains: expected a map of keys, got a list");
  CHECK(loadError("filter_chains:\n  a: auth\n") ==
        "relay.yaml:2:6: filter_chains.a: expected a non-empty list of filters, got \"auth\"");
  CHECK(loadError("filter_chains:\n  a: []\n") ==
        "relay.yaml:2:6: filter_chains.a: expected a non-empty list of filters, got an empty list");
  CHECK(loadError("filter_chains:\n  a:\n") ==
        "relay.yaml:2:3: filter_chains.a: expected a non-empty list of filters, got nothing");
  CHECK(loadError("filter_chains:\n  a:\n    - auth\n    - {x: 1, y: 2}\n") ==
        "relay.yaml:4:7: filter_chains.a[1]: expected a filter name or a one-key map "
        "{name: config}, got a map with 2 keys");
  CHECK(loadError("filter_chains:\n  a:\n    - [auth]\n") ==
        "relay.yaml:3:7: filter_chains.a[0]: expected a filter name or a one-key map "
        "{name: config}, got a list");
  CHECK(loadError("filter_chains:\n  a:\n    - \"bad name\"\n") ==
        "relay.yaml:3:7: filter_chains.a[0]: expected a filter name (letters, digits, '_' and "
        "'-'), got \"bad name\"");
  CHECK(loadError("filter_chains:\n  a: [auth]\n  a: [route]\n") ==
        "relay.yaml:3:3: filter_chains.a: duplicate key (first at line 2)");
}

TEST_CASE("routes are read with their chain, format and providers") {
  Config c = loadOk(
      "filter_chains:\n"
      "  mine: [auth, upstream]\n"
      "routes:\n"
      "  - {path: /api/v1/messages, methods: [POST], chain: mine, format: anthropic, "
      "providers: [claude]}\n"
      "  - {path: /openai/v1/chat/completions, methods: [POST], chain: openai_chat, "
      "format: openai-chat}\n"
      "  - path: /gemini/*\n"
      "    chain: gemini\n"
      "    format: gemini\n"
      "  - {path: /health, chain: health}\n"
      "  - {path: /api/v1/messages, methods: [GET], chain: ok}\n");
  REQUIRE(c.routes.size() == 5);
  const RouteConfig& r = c.routes[0];
  CHECK(r.path == "/api/v1/messages");
  CHECK(r.methods == std::vector<std::string>{"POST"});
  CHECK(r.chain == "mine");
  CHECK(r.format == "anthropic");
  CHECK(r.providers == std::vector<std::string>{"claude"});
  CHECK(r.mark.line == 4);
  CHECK(r.mark.column == 5);
  CHECK(c.routes[1].format == "openai-chat");
  CHECK(c.routes[1].providers.empty());
  CHECK(c.routes[2].path == "/gemini/*");
  CHECK(c.routes[2].methods.empty());
  CHECK(c.routes[2].mark.line == 6);
  CHECK(c.routes[3].format == "anthropic");  // the default
}

TEST_CASE("route errors are located") {
  CHECK(loadError("routes:\n  - {path: /x, chain: nowhere}\n") ==
        "relay.yaml:2:23: routes[0].chain: unknown chain \"nowhere\" (declare it under "
        "filter_chains or use a built-in chain)");
  CHECK(loadError("routes:\n  - {path: /x, chain: ok, format: openai}\n") ==
        "relay.yaml:2:35: routes[0].format: expected one of anthropic, openai-chat, "
        "openai-responses, gemini, got \"openai\"");
  CHECK(loadError("routes:\n  - {chain: ok}\n") ==
        "relay.yaml:2:5: routes[0]: missing required key 'path'");
  CHECK(loadError("routes:\n  - {path: /x}\n") ==
        "relay.yaml:2:5: routes[0]: missing required key 'chain'");
  CHECK(loadError("routes:\n  - {path: x, chain: ok}\n") ==
        "relay.yaml:2:12: routes[0].path: expected a path starting with '/', got \"x\"");
  CHECK(loadError("routes:\n  - {path: /a*b, chain: ok}\n") ==
        "relay.yaml:2:12: routes[0].path: '*' may only end a path (a prefix match), got \"/a*b\"");
  CHECK(loadError("routes:\n  - {path: /x, chain: ok, methods: [POST, FETCH]}\n") ==
        "relay.yaml:2:43: routes[0].methods[1]: expected an HTTP method (GET, POST, PUT, PATCH, "
        "DELETE, HEAD, OPTIONS), got \"FETCH\"");
  CHECK(loadError("routes:\n  - {path: /x, chain: ok, method: [POST]}\n") ==
        "relay.yaml:2:27: routes[0].method: unknown key (did you mean 'methods'?)");
  CHECK(loadError(
            "routes:\n  - {path: /x, chain: ok}\n  - {path: /x, methods: [GET], chain: ok}\n") ==
        "relay.yaml:3:5: routes[1]: duplicate route for /x (first at line 2)");
  CHECK(loadError("routes: {path: /x}\n") ==
        "relay.yaml:1:9: routes: expected a list of routes, got a map");
}

TEST_CASE("every built-in chain name may be routed to") {
  for (const char* name :
       {"anthropic", "anthropic_models", "anthropic_count_tokens", "gemini", "gemini_models",
        "openai_chat", "openai_models", "openai_responses", "health", "metrics", "ok"}) {
    Config c = loadOk(std::string("routes:\n  - {path: /x, chain: ") + name + "}\n");
    CHECK(c.routes[0].chain == name);
  }
}

}  // namespace relay
