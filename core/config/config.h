// The validated configuration: the README's TOML keys one to one, read from TOML or YAML.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace relay {

// Where a value came from, for messages like "relay.yaml:12:3: accounts[0].type: ...".
struct ConfigMark {
  std::string file;
  int line = 0;    // 1-based
  int column = 0;  // 1-based
};

struct ProxyConfig {
  std::string type;  // "socks5" or "http"
  std::string host;
  uint16_t port = 0;
  std::string username;  // optional
  std::string password;  // optional
};

struct AccountConfig {
  std::string type;  // claude-oauth, claude-api, gemini, ...
  std::string id;
  std::string name;
  int priority = 50;
  bool enabled = true;
  std::string refresh_token;
  std::string api_key;
  std::string api_url;  // empty: the provider's default
  std::string token_url;
  std::string client_id;
  std::string client_secret;
  std::string access_token;
  int64_t expires_at = 0;  // unix seconds; 0 = unknown
  std::string ca_file;
  std::optional<ProxyConfig> proxy;
  // model_map: requested model (after the route's map) -> the model this account is asked for.
  std::vector<std::pair<std::string, std::string>> model_map;
  // The whole account mapping as JSON (after ${ENV} substitution), handed to the
  // provider plugin's account_new so plugins can read keys the core does not know.
  std::string json;
  ConfigMark mark;
};

struct ServerConfig {
  std::string host = "127.0.0.1";
  uint16_t port = 3000;
  std::string database_path = "data/relay.db";
  std::string log_level = "info";  // trace, debug, info, warn, error
  int workers = 0;                 // 0: one per CPU
  int drain_timeout_seconds = 30;
  size_t max_request_bytes = 32u * 1024 * 1024;
  size_t max_header_bytes = 64u * 1024;
  int header_timeout_seconds = 30;  // time to complete request headers -> 408
  int idle_timeout_seconds = 75;    // keep-alive idle
  // Upstream client.
  std::string upstream_ca_file;
  int connect_timeout_seconds = 10;
  int tls_handshake_timeout_seconds = 10;
  int response_header_timeout_seconds = 600;
  int body_idle_timeout_seconds = 300;
  size_t stream_buffer_bytes = 1024 * 1024;
  std::string access_log = "stderr";  // "stderr", "off" or a file path
  // Hostile-input guards.
  int max_connections = 16384;  // beyond it a new connection gets 503 and is closed
  bool allow_open = false;      // start with no api_keys on a non-loopback address
  std::string metrics_token;    // when set, /metrics and the detailed /health require it
};

struct SessionConfig {
  int sticky_ttl_seconds = 3600;
  int renewal_threshold_seconds = 300;
};

// One entry of a filter chain: a filter name and its own (unparsed) configuration.
struct FilterSpec {
  std::string name;
  YAML::Node config;  // null when the entry is a bare name
  ConfigMark mark;
};

struct ChainConfig {
  std::string name;
  std::vector<FilterSpec> filters;
  ConfigMark mark;
};

struct RouteConfig {
  std::string path;                  // exact, or a prefix when it ends in '*'
  std::vector<std::string> methods;  // empty: any
  std::string chain;
  std::string format;  // anthropic, openai-chat, openai-responses, gemini
  std::vector<std::string> providers;
  ConfigMark mark;
};

struct Config {
  std::string file;
  ServerConfig server;
  std::vector<std::string> api_keys;
  SessionConfig session;
  std::vector<AccountConfig> accounts;
  std::vector<std::string> plugins;  // explicit plugin paths; empty: discover
  std::map<std::string, ChainConfig> chains;
  std::vector<RouteConfig> routes;  // empty: the built-in route table
  YAML::Node failover;              // optional top-level failover defaults
};

// Result of loading: either a config or a human-readable error
// ("file:line:col: key.path: expected ..., got ...").
struct ConfigResult {
  std::optional<Config> config;
  std::string error;
  std::vector<std::string> warnings;  // accepted, but worth changing; located like errors
};

ConfigResult loadConfigFile(const std::string& path);
ConfigResult loadConfigString(const std::string& text, const std::string& file_name);

}  // namespace relay
