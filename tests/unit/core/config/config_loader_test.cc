#include "core/config/config_loader.h"

#include <doctest/doctest.h>

#include <unistd.h>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "config_test_util.h"

#ifndef RELAY_EXAMPLE_CONFIG
#error "RELAY_EXAMPLE_CONFIG must name conf/relay.example.yaml"
#endif

namespace relay {

using test::loadError;

TEST_CASE("a YAML syntax error carries its line and column") {
  CHECK(loadError("server:\n  port: [1, 2\n  host: x\n") ==
        "relay.yaml:3:7: YAML syntax error: end of sequence flow not found");
  CHECK(loadError("server:\n  port: 1\n host: x\n") ==
        "relay.yaml:3:2: YAML syntax error: end of map not found");
}

TEST_CASE("unknown top-level keys are rejected") {
  CHECK(loadError("servers:\n  port: 1\n") ==
        "relay.yaml:1:1: servers: unknown key (did you mean 'server'?)");
  CHECK(loadError("routse: []\n") ==
        "relay.yaml:1:1: routse: unknown key (did you mean 'routes'?)");
}

TEST_CASE("loadConfigFile reads a file and names it in errors") {
  std::string path = "unit_config_test_" + std::to_string(::getpid()) + ".yaml";
  {
    std::ofstream out(path);
    out << "server:\n  port: 4000\n  prot: 1\n";
  }
  ConfigResult r = loadConfigFile(path);
  CHECK_FALSE(r.config);
  CHECK(r.error == path + ":3:3: server.prot: unknown key (did you mean 'port'?)");
  {
    std::ofstream out(path);
    out << "server:\n  port: 4000\n";
  }
  r = loadConfigFile(path);
  REQUIRE_MESSAGE(r.config, r.error);
  CHECK(r.config->file == path);
  CHECK(r.config->server.port == 4000);
  std::remove(path.c_str());
  r = loadConfigFile(path);
  CHECK_FALSE(r.config);
  CHECK(r.error.rfind(path + ": cannot open the configuration file:", 0) == 0);
  // A directory opens and reads as nothing: refused, not taken for an empty file.
  std::filesystem::create_directory(path);
  r = loadConfigFile(path);
  CHECK_FALSE(r.config);
  CHECK(r.error == path + ": cannot read the configuration file: it is a directory");
  std::filesystem::remove(path);
}

namespace {

std::string exampleText() {
  std::ifstream in(RELAY_EXAMPLE_CONFIG);
  REQUIRE(in);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// The commented custom chains/routes block of the example, uncommented.
std::string exampleChainsBlock() {
  std::istringstream in(exampleText());
  std::string line, out;
  bool inside = false;
  while (std::getline(in, line)) {
    if (line.find("--- end of example ---") != std::string::npos) break;
    if (inside) out += (line.size() > 2 ? line.substr(2) : "") + "\n";
    if (line.find("--- example: custom chains and routes ---") != std::string::npos) inside = true;
  }
  return out;
}

}  // namespace

TEST_CASE("the example's commented chains and routes are valid once uncommented") {
  std::string block = exampleChainsBlock();
  REQUIRE(block.find("filter_chains:") == 0);
  Config c = test::loadOk(block);
  CHECK(c.chains.size() == 2);
  CHECK(c.chains.at("openai_chat").filters.size() == 8);
  CHECK(c.chains.at("openai_chat").filters.front().name == "observe");
  CHECK(c.routes.size() == 3);
  CHECK(c.routes[1].format == "openai-chat");
}

TEST_CASE("the example configuration loads without any environment variable") {
  ConfigResult r = loadConfigStringWithEnv(exampleText(), "relay.example.yaml", test::fakeEnv({}));
  REQUIRE_MESSAGE(r.config, r.error);
  const Config& c = *r.config;
  CHECK(c.server.port == 3000);
  CHECK(c.server.host == "127.0.0.1");
  bool oauth = false, api = false, gemini = false, socks = false, http = false;
  for (const AccountConfig& a : c.accounts) {
    CHECK_FALSE(a.enabled);  // placeholders must not be used by a fresh start
    oauth = oauth || a.type == "claude-oauth";
    api = api || a.type == "claude-api";
    gemini = gemini || a.type == "gemini";
    socks = socks || (a.proxy && a.proxy->type == "socks5");
    http = http || (a.proxy && a.proxy->type == "http");
  }
  CHECK(oauth);
  CHECK(api);
  CHECK(gemini);
  CHECK(socks);
  CHECK(http);
  // The chains and routes are commented out: the built-in table applies.
  CHECK(c.chains.empty());
  CHECK(c.routes.empty());
  // And through the file entry point with the real environment.
  ConfigResult f = loadConfigFile(RELAY_EXAMPLE_CONFIG);
  CHECK_MESSAGE(f.config, f.error);
}

}  // namespace relay
