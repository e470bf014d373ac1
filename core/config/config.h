// The validated configuration: the README's TOML keys one to one, read from TOML or YAML.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
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

// The keys every account has; the rest of the mapping belongs to the provider plugin, which
// receives all of it as `json` and validates it (see docs/plugins.md, "Account keys").
struct AccountConfig {
  std::string type;  // an account type a loaded plugin declares
  std::string id;
  std::string name;
  int priority = 50;
  bool enabled = true;
  std::string api_url;  // empty: the provider's default
  std::string ca_file;
  std::optional<ProxyConfig> proxy;
  // model_map, in file order: requested model -> model sent upstream.
  std::vector<std::pair<std::string, std::string>> model_map;
  // The whole account mapping as JSON (after ${ENV} substitution), handed to the
  // provider plugin's account_new: priority is a number, enabled a boolean, proxy.port a
  // number; every other scalar is a string exactly as written, maps are objects, lists arrays.
  std::string json;
  YAML::Node node;  // the mapping itself, to locate the key a plugin rejects
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
  // Idle keep-alive connections kept per upstream (scheme, host, port, proxy) and worker. Under
  // load, answers finish in bursts; a pool smaller than the concurrency closes connections that
  // the next requests must dial again (nginx's keepalive is usually sized the same way).
  int upstream_keepalive_connections = 256;
  std::string access_log = "stderr";  // "stderr", "off" or a file path
  // After a socket read, each worker keeps polling without sleeping for up to this long (0: off),
  // while most such polls catch their read (core/loop/busy_poll_window.h). Saves the wake-up per
  // read that a sleeping loop pays, for CPU time while traffic flows. On by default: polling
  // stops by itself where its polls run out (sparse traffic, an idle relay), and where they catch
  // (request after request) it takes the wake-up off every hop.
  int busy_poll_us = 50;
  // Hostile-input guards.
  int max_connections = 16384;  // beyond it a new connection gets 503 and is closed
  bool allow_open = false;      // start with no api_keys on a non-loopback address
  std::string metrics_token;    // when set, /metrics and the detailed /health require it
};

struct SessionConfig {
  int sticky_ttl_seconds = 3600;
  int renewal_threshold_seconds = 300;
};

// `usage:`: token usage is always added up per relay key, account, model and hour
// (usage_hourly); raw per-request rows only on request.
struct UsageConfig {
  bool request_log = false;  // also keep one usage_records row per request
  int retention_days = 30;   // raw rows older than this are deleted; 0 keeps them
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
  std::string format;  // a client wire format name (see core/formats/wire_format.h)
  std::vector<std::string> providers;
  ConfigMark mark;
};

struct Config {
  std::string file;
  ServerConfig server;
  std::vector<std::string> api_keys;
  SessionConfig session;
  UsageConfig usage;
  std::vector<AccountConfig> accounts;
  // Plugin files loaded after the ones found beside the binary or installed (ABI docs:
  // docs/plugins.md); plugin_marks[i] locates plugins[i].
  std::vector<std::string> plugins;
  std::vector<ConfigMark> plugin_marks;
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
