// The original product's config.toml: same Config as the equivalent YAML, errors located in the
// TOML file itself.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include "config_test_util.h"
#include "core/config/config_error.h"

#ifndef RELAY_EXAMPLE_TOML
#error "RELAY_EXAMPLE_TOML must name conf/config.example.toml"
#endif

namespace relay {

using test::fakeEnv;

namespace {

ConfigResult loadToml(const std::string& text, std::map<std::string, std::string> env = {}) {
  return loadConfigStringWithEnv(text, "relay.toml", fakeEnv(std::move(env)));
}

Config tomlOk(const std::string& text, std::map<std::string, std::string> env = {}) {
  ConfigResult r = loadToml(text, std::move(env));
  REQUIRE_MESSAGE(r.config, r.error);
  return *r.config;
}

std::string tomlError(const std::string& text, std::map<std::string, std::string> env = {}) {
  ConfigResult r = loadToml(text, std::move(env));
  CHECK_MESSAGE(!r.config, "expected an error for:\n" << text);
  return r.error;
}

std::string readFile(const char* path) {
  std::ifstream in(path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The original README's blocks, pasted in the order it shows them: api_keys lands in [server].
const char* const kReadmeAsPasted = R"(
[server]
host = "127.0.0.1"      # 监听地址
port = 3000             # 监听端口
database_path = "data/relay.db"  # SQLite 数据库路径
log_level = "info"      # 日志级别: trace, debug, info, warn, error

# 留空则禁用认证
api_keys = [
    "your-api-key-1",
    "your-api-key-2",
]

[session]
sticky_ttl_seconds = 3600           # 会话 TTL（默认1小时）
renewal_threshold_seconds = 300      # 续期阈值（剩余5分钟时续期）

[[accounts]]
type = "claude-oauth"
id = "claude-1"
name = "Claude OAuth Account"
priority = 100                    # 优先级，数值越大优先级越高
enabled = true
refresh_token = "your-refresh-token"
api_url = "https://api.anthropic.com"  # 可选：自定义 API URL

[[accounts]]
type = "claude-api"
id = "claude-api-1"
name = "Claude API Account"
priority = 90
enabled = true
api_key = "sk-ant-api03-xxxx"
api_url = "https://api.anthropic.com"  # 可选：自定义 API URL

[[accounts]]
type = "gemini"
id = "gemini-1"
name = "Gemini Account"
priority = 100
enabled = true
refresh_token = "your-google-refresh-token"
api_url = "https://cloudcode.googleapis.com"  # 可选：自定义 API URL

[[accounts]]
type = "claude-oauth"
id = "claude-proxy"
name = "Claude with SOCKS5 Proxy"
priority = 50
enabled = true
refresh_token = "your-refresh-token"

[accounts.proxy]
type = "socks5"
host = "127.0.0.1"
port = 1080
username = "user"    # 可选
password = "pass"    # 可选

[[accounts]]
type = "gemini"
id = "gemini-proxy"
name = "Gemini with HTTP Proxy"
priority = 50
enabled = true
refresh_token = "your-refresh-token"

[accounts.proxy]
type = "http"
host = "proxy.example.com"
port = 8080
username = "user"    # 可选
password = "pass"    # 可选
)";

// The same configuration written in YAML.
const char* const kReadmeAsYaml = R"(
server:
  host: 127.0.0.1
  port: 3000
  database_path: data/relay.db
  log_level: info
api_keys:
  - your-api-key-1
  - your-api-key-2
session:
  sticky_ttl_seconds: 3600
  renewal_threshold_seconds: 300
accounts:
  - type: claude-oauth
    id: claude-1
    name: Claude OAuth Account
    priority: 100
    enabled: true
    refresh_token: your-refresh-token
    api_url: https://api.anthropic.com
  - type: claude-api
    id: claude-api-1
    name: Claude API Account
    priority: 90
    enabled: true
    api_key: sk-ant-api03-xxxx
    api_url: https://api.anthropic.com
  - type: gemini
    id: gemini-1
    name: Gemini Account
    priority: 100
    enabled: true
    refresh_token: your-google-refresh-token
    api_url: https://cloudcode.googleapis.com
  - type: claude-oauth
    id: claude-proxy
    name: Claude with SOCKS5 Proxy
    priority: 50
    enabled: true
    refresh_token: your-refresh-token
    proxy:
      type: socks5
      host: 127.0.0.1
      port: 1080
      username: user
      password: pass
  - type: gemini
    id: gemini-proxy
    name: Gemini with HTTP Proxy
    priority: 50
    enabled: true
    refresh_token: your-refresh-token
    proxy:
      type: http
      host: proxy.example.com
      port: 8080
      username: user
      password: pass
)";

void checkSameServer(const ServerConfig& t, const ServerConfig& y) {
  CHECK(t.host == y.host);
  CHECK(t.port == y.port);
  CHECK(t.database_path == y.database_path);
  CHECK(t.log_level == y.log_level);
  CHECK(t.workers == y.workers);
  CHECK(t.max_request_bytes == y.max_request_bytes);
  CHECK(t.access_log == y.access_log);
}

void checkSameAccounts(const std::vector<AccountConfig>& t, const std::vector<AccountConfig>& y) {
  REQUIRE(t.size() == y.size());
  for (size_t i = 0; i < t.size(); i++) {
    CAPTURE(i);
    CHECK(t[i].type == y[i].type);
    CHECK(t[i].id == y[i].id);
    CHECK(t[i].name == y[i].name);
    CHECK(t[i].priority == y[i].priority);
    CHECK(t[i].enabled == y[i].enabled);
    CHECK(t[i].json == y[i].json);  // every key and value the provider plugin receives
    REQUIRE(t[i].proxy.has_value() == y[i].proxy.has_value());
    if (!t[i].proxy) continue;
    CHECK(t[i].proxy->type == y[i].proxy->type);
    CHECK(t[i].proxy->host == y[i].proxy->host);
    CHECK(t[i].proxy->port == y[i].proxy->port);
    CHECK(t[i].proxy->username == y[i].proxy->username);
    CHECK(t[i].proxy->password == y[i].proxy->password);
  }
}

void checkSameConfig(const Config& t, const Config& y) {
  checkSameServer(t.server, y.server);
  CHECK(t.api_keys == y.api_keys);
  CHECK(t.session.sticky_ttl_seconds == y.session.sticky_ttl_seconds);
  CHECK(t.session.renewal_threshold_seconds == y.session.renewal_threshold_seconds);
  checkSameAccounts(t.accounts, y.accounts);
  CHECK(t.plugins == y.plugins);
  CHECK(t.chains.size() == y.chains.size());
  CHECK(t.routes.size() == y.routes.size());
}

}  // namespace

TEST_CASE("a TOML [usage] table goes through the same checks as YAML") {
  Config c = tomlOk("[usage]\nrequest_log = true\nretention_days = 3\n");
  CHECK(c.usage.request_log);
  CHECK(c.usage.retention_days == 3);
  std::string error = tomlError("[usage]\nretention_days = -2\n");
  CHECK(error.find("relay.toml:2:") == 0);
  CHECK(error.find("usage.retention_days: expected an integer 0-36500") != std::string::npos);
}

TEST_CASE("the format follows the extension") {
  CHECK(configFormatOf("config.toml") == ConfigFormat::kToml);
  CHECK(configFormatOf("/etc/relay/Config.TOML") == ConfigFormat::kToml);
  CHECK(configFormatOf("relay.yaml") == ConfigFormat::kYaml);
  CHECK(configFormatOf("relay.yml") == ConfigFormat::kYaml);
  CHECK(configFormatOf("toml.yaml") == ConfigFormat::kYaml);
}

TEST_CASE("the original README's config, pasted in order, gives the same Config as YAML") {
  ConfigResult t = loadToml(kReadmeAsPasted);
  REQUIRE_MESSAGE(t.config, t.error);
  Config y = test::loadOk(kReadmeAsYaml);
  checkSameConfig(*t.config, y);
  CHECK(t.config->api_keys == std::vector<std::string>{"your-api-key-1", "your-api-key-2"});
  REQUIRE(t.config->accounts.size() == 5);
  CHECK(t.config->accounts[3].proxy->type == "socks5");
  CHECK(t.config->accounts[4].proxy->host == "proxy.example.com");
  // api_keys inside [server]: accepted, with a located warning saying where it belongs.
  REQUIRE(t.warnings.size() == 1);
  CHECK(t.warnings[0] ==
        "relay.toml:9:1: server.api_keys: api_keys belongs at the top level: move it above the "
        "first table ([server]); read as the top-level api_keys");
}

TEST_CASE("conf/config.example.toml gives the same Config as the README's YAML, no warning") {
  ConfigResult t =
      loadConfigStringWithEnv(readFile(RELAY_EXAMPLE_TOML), "config.example.toml", fakeEnv({}));
  REQUIRE_MESSAGE(t.config, t.error);
  CHECK(t.warnings.empty());
  checkSameConfig(*t.config, test::loadOk(kReadmeAsYaml));
}

TEST_CASE("marks point at the TOML file's own lines and columns") {
  Config c = tomlOk(
      "api_keys = [\"k1\"]\n"
      "\n"
      "[[accounts]]\n"
      "type = \"claude-api\"\n"
      "id = \"a\"\n"
      "api_key = \"x\"\n"
      "\n"
      "[[accounts]]\n"
      "  type = \"claude-api\"\n"
      "  id = \"b\"\n"
      "  api_key = \"y\"\n");
  REQUIRE(c.accounts.size() == 2);
  CHECK(c.accounts[0].mark.file == "relay.toml");
  CHECK(c.accounts[0].mark.line == 3);
  CHECK(c.accounts[1].mark.line == 8);
}

TEST_CASE("TOML errors carry the file, line, column and key path") {
  CHECK(tomlError("[server]\nport = 3000\nprot = 1\n") ==
        "relay.toml:3:1: server.prot: unknown key (did you mean 'port'?)");
  CHECK(tomlError("[server]\nhost = \"h\"\n  port = \"abc\"\n")
            .starts_with("relay.toml:3:10: server.port: "));
  CHECK(tomlError("api_keys = [\"a\", \"b\", \"a\"]\n") ==
        "relay.toml:1:23: api_keys[2]: duplicate API key (first at line 1)");
  CHECK(tomlError("[sesion]\nsticky_ttl_seconds = 1\n") ==
        "relay.toml:1:2: sesion: unknown key (did you mean 'session'?)");
  std::string missing = tomlError("[[accounts]]\ntype = \"claude-api\"\nname = \"n\"\n");
  CHECK(missing.starts_with("relay.toml:1:1: accounts[0]: "));
  CHECK(missing.find("'id'") != std::string::npos);
  std::string proxy = tomlError(
      "[[accounts]]\ntype = \"claude-api\"\nid = \"a\"\napi_key = \"k\"\n\n"
      "[accounts.proxy]\ntype = \"socks5\"\nhost = \"h\"\nport = 1080\npasword = \"p\"\n");
  CHECK(proxy ==
        "relay.toml:10:1: accounts[0].proxy.pasword: unknown key (did you mean "
        "'password'?)");
}

TEST_CASE("a TOML syntax error carries its line and column") {
  std::string e = tomlError("[server]\nport = 3000\nhost = \n");
  CHECK(e.starts_with("relay.toml:3:"));
  CHECK(e.find("TOML syntax error: ") != std::string::npos);
  e = tomlError("[server]\nport = 1\n[server]\nhost = \"x\"\n");
  CHECK(e.starts_with("relay.toml:3:"));
}

TEST_CASE("${ENV} works in TOML strings, numbers included, and failures are located") {
  Config c = tomlOk(
      "api_keys = [\"${RELAY_KEY}\", \"static\"]\n"
      "[server]\n"
      "port = \"${PORT:-4000}\"\n"
      "database_path = \"${DATA}/relay.db\"\n",
      {{"RELAY_KEY", "from-env"}, {"DATA", "/var/lib/relay"}});
  CHECK(c.api_keys == std::vector<std::string>{"from-env", "static"});
  CHECK(c.server.port == 4000);
  CHECK(c.server.database_path == "/var/lib/relay/relay.db");
  CHECK(tomlError("[server]\n\nhost = \"${NOPE}\"\n")
            .starts_with("relay.toml:3:8: server.host: environment variable NOPE is not set"));
}

TEST_CASE("api_keys both at the top level and inside [server] is an error") {
  CHECK(tomlError("api_keys = [\"a\"]\n[server]\nport = 1\napi_keys = [\"b\"]\n") ==
        "relay.toml:4:1: server.api_keys: api_keys is given twice: at the top level (line 1) and "
        "inside [server]; keep one");
}

TEST_CASE("keys only the YAML form documented are accepted in TOML under the same names") {
  Config c = tomlOk(
      "plugins = []\n"
      "[[filter_chains.anthropic]]\n"
      "auth = {}\n"
      "[[filter_chains.anthropic]]\n"
      "failover = { max_attempts = 3 }\n"
      "[[routes]]\n"
      "path = \"/v1/messages\"\n"
      "chain = \"anthropic\"\n"
      "[failover]\n"
      "max_attempts = 2\n");
  REQUIRE(c.chains.count("anthropic") == 1);
  const ChainConfig& a = c.chains.at("anthropic");
  REQUIRE(a.filters.size() == 2);
  CHECK(a.filters[0].name == "auth");
  CHECK(a.filters[1].name == "failover");
  CHECK(a.filters[1].config["max_attempts"].as<int>() == 3);
  // Filter factories locate their own errors later through markOf: still the TOML position.
  ConfigMark m = markOf(a.filters[1].config["max_attempts"], "relay.toml");
  CHECK(m.line == 5);
  CHECK(m.column == 29);
  REQUIRE(c.routes.size() == 1);
  CHECK(c.routes[0].path == "/v1/messages");
  CHECK(c.routes[0].mark.line == 6);
  CHECK(c.failover["max_attempts"].as<int>() == 2);
  // The YAML list of bare names and one-key maps, written as one TOML array.
  Config inline_chain = tomlOk(
      "[filter_chains]\n"
      "openai_chat = [\"auth\", { route = { model_map = { \"gpt-4o\" = \"claude-sonnet-4-5\" } } "
      "}]\n");
  const ChainConfig& o = inline_chain.chains.at("openai_chat");
  REQUIRE(o.filters.size() == 2);
  CHECK(o.filters[0].name == "auth");
  CHECK(o.filters[0].config.IsNull());
  CHECK(o.filters[1].name == "route");
  CHECK(o.filters[1].config["model_map"]["gpt-4o"].as<std::string>() == "claude-sonnet-4-5");
  CHECK(o.filters[1].mark.line == 2);
}

TEST_CASE("strings survive the translation byte for byte") {
  Config c = tomlOk(
      "api_keys = [\"quote\\\" back\\\\slash\", \"tab\\there\", \"π ünï\", 'lit\\eral', "
      "\"\\u2028sep\", \"colon: hash # x\", \"- dash\", \"true\", \"1e3\"]\n");
  CHECK(c.api_keys == std::vector<std::string>{"quote\" back\\slash", "tab\there", "π ünï",
                                               "lit\\eral", "\u2028sep", "colon: hash # x",
                                               "- dash", "true", "1e3"});
}

}  // namespace relay
