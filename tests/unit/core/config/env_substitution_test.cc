#include "core/config/env_substitution.h"

#include <doctest/doctest.h>

#include <cstdlib>

#include "config_test_util.h"

namespace relay {

using test::fakeEnv;
using test::loadError;
using test::loadOk;

namespace {

std::string subst(const std::string& text, std::map<std::string, std::string> env,
                  std::string* error = nullptr) {
  std::string out, err;
  bool ok = substituteEnv(text, fakeEnv(std::move(env)), &out, &err);
  if (error) *error = err;
  return ok ? out : "<error>";
}

}  // namespace

TEST_CASE("substituteEnv replaces set variables and applies defaults") {
  CHECK(subst("a-${X}-b", {{"X", "1"}}) == "a-1-b");
  CHECK(subst("${X}${Y}", {{"X", "1"}, {"Y", "2"}}) == "12");
  CHECK(subst("${X:-dflt}", {}) == "dflt");
  CHECK(subst("${X:-dflt}", {{"X", ""}}) == "dflt");
  CHECK(subst("${X:-dflt}", {{"X", "set"}}) == "set");
  CHECK(subst("${X:-}", {}) == "");
  CHECK(subst("${X}", {{"X", ""}}) == "");
  CHECK(subst("cost $5 and $${X}", {}) == "cost $5 and ${X}");
}

TEST_CASE("substituteEnv rejects unset variables and bad syntax, naming only the variable") {
  std::string error;
  CHECK(subst("secret-${MISSING}", {}, &error) == "<error>");
  CHECK(error.find("MISSING is not set") != std::string::npos);
  CHECK(error.find("secret") == std::string::npos);
  CHECK(subst("${UNCLOSED", {}, &error) == "<error>");
  CHECK(error.find("unterminated") != std::string::npos);
  CHECK(subst("${BAD NAME}", {}, &error) == "<error>");
  CHECK(error.find("malformed") != std::string::npos);
  CHECK(subst("${}", {}, &error) == "<error>");
}

TEST_CASE("substitution happens before type checks") {
  Config c = loadOk(
      "server:\n"
      "  port: ${PORT}\n"
      "  workers: ${WORKERS:-3}\n"
      "  max_request_bytes: ${MAX:-2MiB}\n"
      "accounts:\n"
      "  - type: claude-api\n"
      "    id: a1\n"
      "    api_key: ${KEY}\n"
      "    enabled: ${ON}\n",
      {{"PORT", "8081"}, {"KEY", "sk-test"}, {"ON", "false"}});
  CHECK(c.server.port == 8081);
  CHECK(c.server.workers == 3);
  CHECK(c.server.max_request_bytes == 2u * 1024 * 1024);
  CHECK(c.accounts[0].enabled == false);
  CHECK(c.accounts[0].json ==
        R"({"type":"claude-api","id":"a1","api_key":"sk-test","enabled":false})");
}

TEST_CASE("a quoted reference in a flow map is substituted and type checked") {
  Config c =
      loadOk("server: {port: \"${PORT}\", log_level: \"${LEVEL:-warn}\"}\n", {{"PORT", "9090"}});
  CHECK(c.server.port == 9090);
  CHECK(c.server.log_level == "warn");
}

TEST_CASE("an unset variable without default is located at its scalar") {
  CHECK(loadError("server:\n  port: ${NOPE_PORT}\n") ==
        "relay.yaml:2:9: server.port: environment variable NOPE_PORT is not set "
        "(write ${NOPE_PORT:-default} to give a default)");
  CHECK(loadError("accounts:\n  - type: claude-api\n    id: a\n    api_key: \"${K}\"\n")
            .rfind("relay.yaml:4:14: accounts[0].api_key: environment variable K is not set", 0) ==
        0);
}

TEST_CASE("a substituted value is still type checked") {
  CHECK(loadError("server:\n  port: ${PORT}\n", {{"PORT", "http"}}) ==
        "relay.yaml:2:9: server.port: expected an integer 1-65535, got \"http\"");
}

TEST_CASE("loadConfigString reads the process environment") {
  ::setenv("RELAY_CONFIG_TEST_PORT", "4321", 1);
  ::unsetenv("RELAY_CONFIG_TEST_UNSET");
  ConfigResult ok = loadConfigString("server:\n  port: ${RELAY_CONFIG_TEST_PORT}\n", "x.yaml");
  REQUIRE_MESSAGE(ok.config, ok.error);
  CHECK(ok.config->server.port == 4321);
  ConfigResult bad = loadConfigString("server:\n  host: ${RELAY_CONFIG_TEST_UNSET}\n", "x.yaml");
  CHECK_FALSE(bad.config);
  CHECK(bad.error.rfind("x.yaml:2:9: server.host: environment variable RELAY_CONFIG_TEST_UNSET",
                        0) == 0);
}

}  // namespace relay
