// `server:`, `session:` and `usage:`.
#include "core/config/config_sections.h"

namespace relay {

namespace {

constexpr int64_t kDay = 24 * 3600;
constexpr int64_t kYear = 365 * kDay;

void readUpstreamClient(const MapReader& r, ServerConfig* s) {
  r.readString("upstream_ca_file", &s->upstream_ca_file);
  r.readInt("connect_timeout_seconds", 1, 3600, &s->connect_timeout_seconds);
  r.readInt("tls_handshake_timeout_seconds", 1, 3600, &s->tls_handshake_timeout_seconds);
  r.readInt("response_header_timeout_seconds", 1, kDay, &s->response_header_timeout_seconds);
  r.readInt("body_idle_timeout_seconds", 1, kDay, &s->body_idle_timeout_seconds);
  r.readSizeInto("stream_buffer_bytes", 4096, &s->stream_buffer_bytes);
  r.readInt("upstream_keepalive_connections", 0, 65536, &s->upstream_keepalive_connections);
}

}  // namespace

ServerConfig readServerSection(const YAML::Node& node, const YAML::Node& key,
                               const std::string& file) {
  MapReader r(node, "server", file, key);
  r.allowKeys({"host",
               "port",
               "database_path",
               "log_level",
               "workers",
               "drain_timeout_seconds",
               "max_request_bytes",
               "max_header_bytes",
               "header_timeout_seconds",
               "idle_timeout_seconds",
               "upstream_ca_file",
               "connect_timeout_seconds",
               "tls_handshake_timeout_seconds",
               "response_header_timeout_seconds",
               "body_idle_timeout_seconds",
               "stream_buffer_bytes",
               "upstream_keepalive_connections",
               "access_log",
               "busy_poll_us",
               "max_connections",
               "allow_open",
               "metrics_token"});
  ServerConfig s;
  r.readNonEmptyString("host", &s.host);
  r.readInt("port", 1, 65535, &s.port);
  r.readNonEmptyString("database_path", &s.database_path);
  r.readEnum("log_level", {"trace", "debug", "info", "warn", "error"}, &s.log_level);
  r.readInt("workers", 0, 1024, &s.workers);
  r.readInt("drain_timeout_seconds", 0, kDay, &s.drain_timeout_seconds);
  r.readSizeInto("max_request_bytes", 1024, &s.max_request_bytes);
  r.readSizeInto("max_header_bytes", 1024, &s.max_header_bytes);
  r.readInt("header_timeout_seconds", 1, kDay, &s.header_timeout_seconds);
  r.readInt("idle_timeout_seconds", 1, kDay, &s.idle_timeout_seconds);
  readUpstreamClient(r, &s);
  r.readNonEmptyString("access_log", &s.access_log);
  r.readInt("busy_poll_us", 0, 10000, &s.busy_poll_us);
  r.readInt("max_connections", 1, 10000000, &s.max_connections);
  r.readBool("allow_open", &s.allow_open);
  r.readNonEmptyString("metrics_token", &s.metrics_token);
  return s;
}

SessionConfig readSessionSection(const YAML::Node& node, const YAML::Node& key,
                                 const std::string& file) {
  MapReader r(node, "session", file, key);
  r.allowKeys({"sticky_ttl_seconds", "renewal_threshold_seconds"});
  SessionConfig s;
  r.readInt("sticky_ttl_seconds", 1, kYear, &s.sticky_ttl_seconds);
  r.readInt("renewal_threshold_seconds", 0, kYear, &s.renewal_threshold_seconds);
  return s;
}

UsageConfig readUsageSection(const YAML::Node& node, const YAML::Node& key,
                             const std::string& file) {
  MapReader r(node, "usage", file, key);
  r.allowKeys({"request_log", "retention_days"});
  UsageConfig u;
  r.readBool("request_log", &u.request_log);
  r.readInt("retention_days", 0, 100 * 365, &u.retention_days);
  return u;
}

}  // namespace relay
