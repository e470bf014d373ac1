#include <doctest/doctest.h>

#include "config_test_util.h"

namespace relay {

using test::loadError;
using test::loadOk;

TEST_CASE("an empty file yields every default") {
  for (const char* text : {"", "# nothing here\n", "server:\nsession:\naccounts:\n"}) {
    Config c = loadOk(text);
    CHECK(c.file == "relay.yaml");
    CHECK(c.server.host == "127.0.0.1");
    CHECK(c.server.port == 3000);
    CHECK(c.server.database_path == "data/relay.db");
    CHECK(c.server.log_level == "info");
    CHECK(c.server.max_request_bytes == 32u * 1024 * 1024);
    CHECK(c.server.max_header_bytes == 64u * 1024);
    CHECK(c.server.access_log == "stderr");
    CHECK(c.server.busy_poll_us == 50);
    CHECK(c.session.sticky_ttl_seconds == 3600);
    CHECK(c.session.renewal_threshold_seconds == 300);
    CHECK(c.api_keys.empty());
    CHECK(c.accounts.empty());
    CHECK(c.plugins.empty());
    CHECK(c.chains.empty());
    CHECK(c.routes.empty());
    CHECK(c.failover.IsNull());
    CHECK_FALSE(c.usage.request_log);
    CHECK(c.usage.retention_days == 30);
  }
}

TEST_CASE("usage: request_log and retention_days are read and checked with their line") {
  Config c = loadOk("usage:\n  request_log: true\n  retention_days: 7\n");
  CHECK(c.usage.request_log);
  CHECK(c.usage.retention_days == 7);
  CHECK(loadOk("usage:\n  retention_days: 0\n").usage.retention_days == 0);
  CHECK(loadError("usage:\n  request_log: sometimes\n") ==
        "relay.yaml:2:16: usage.request_log: expected true or false, got \"sometimes\"");
  CHECK(loadError("usage:\n  retention_days: -1\n") ==
        "relay.yaml:2:19: usage.retention_days: expected an integer 0-36500, got \"-1\"");
  CHECK(loadError("usage:\n  retention: 3\n") ==
        "relay.yaml:2:3: usage.retention: unknown key (expected one of: request_log, "
        "retention_days)");
}

TEST_CASE("every server and session key is read") {
  Config c = loadOk(
      "server:\n"
      "  host: 0.0.0.0\n"
      "  port: 8080\n"
      "  database_path: /var/lib/relay/relay.db\n"
      "  log_level: debug\n"
      "  workers: 4\n"
      "  drain_timeout_seconds: 5\n"
      "  max_request_bytes: 64KiB\n"
      "  max_header_bytes: 16384\n"
      "  header_timeout_seconds: 11\n"
      "  idle_timeout_seconds: 12\n"
      "  upstream_ca_file: /etc/ca.pem\n"
      "  connect_timeout_seconds: 3\n"
      "  tls_handshake_timeout_seconds: 4\n"
      "  response_header_timeout_seconds: 50\n"
      "  body_idle_timeout_seconds: 60\n"
      "  stream_buffer_bytes: 2MiB\n"
      "  access_log: off\n"
      "  busy_poll_us: 0\n"
      "api_keys: [k1, k2]\n"
      "session:\n"
      "  sticky_ttl_seconds: 60\n"
      "  renewal_threshold_seconds: 10\n"
      "plugins: [/opt/relay/librelay_claude.so]\n"
      "failover: {max_attempts: 2}\n");
  CHECK(c.server.host == "0.0.0.0");
  CHECK(c.server.port == 8080);
  CHECK(c.server.database_path == "/var/lib/relay/relay.db");
  CHECK(c.server.log_level == "debug");
  CHECK(c.server.workers == 4);
  CHECK(c.server.drain_timeout_seconds == 5);
  CHECK(c.server.max_request_bytes == 64u * 1024);
  CHECK(c.server.max_header_bytes == 16384u);
  CHECK(c.server.header_timeout_seconds == 11);
  CHECK(c.server.idle_timeout_seconds == 12);
  CHECK(c.server.upstream_ca_file == "/etc/ca.pem");
  CHECK(c.server.connect_timeout_seconds == 3);
  CHECK(c.server.tls_handshake_timeout_seconds == 4);
  CHECK(c.server.response_header_timeout_seconds == 50);
  CHECK(c.server.body_idle_timeout_seconds == 60);
  CHECK(c.server.stream_buffer_bytes == 2u * 1024 * 1024);
  CHECK(c.server.access_log == "off");
  CHECK(c.server.busy_poll_us == 0);
  CHECK(c.api_keys == std::vector<std::string>{"k1", "k2"});
  CHECK(c.session.sticky_ttl_seconds == 60);
  CHECK(c.session.renewal_threshold_seconds == 10);
  CHECK(c.plugins == std::vector<std::string>{"/opt/relay/librelay_claude.so"});
  REQUIRE(c.failover.IsMap());
  CHECK(c.failover["max_attempts"].as<int>() == 2);
}

TEST_CASE("unknown keys are located at the key, with a suggestion") {
  CHECK(loadError("# relay\n"
                  "api_keys:\n"
                  "  - k1\n"
                  "server:\n"
                  "  host: 0.0.0.0\n"
                  "  log_level: info\n"
                  "  prot: 3000\n") ==
        "relay.yaml:7:3: server.prot: unknown key (did you mean 'port'?)");
  CHECK(loadError("sesion:\n  sticky_ttl_seconds: 1\n") ==
        "relay.yaml:1:1: sesion: unknown key (did you mean 'session'?)");
  CHECK(loadError("session:\n  colour: blue\n") ==
        "relay.yaml:2:3: session.colour: unknown key (expected one of: sticky_ttl_seconds, "
        "renewal_threshold_seconds)");
}

TEST_CASE("a key given twice is an error") {
  CHECK(loadError("server:\n  port: 1\n  host: h\n  port: 2\n") ==
        "relay.yaml:4:3: server.port: duplicate key (first at line 2)");
}

TEST_CASE("wrong types and ranges are located at the value") {
  CHECK(loadError("server:\n  host: 0.0.0.0\n  log_level: info\n  port: abc\n") ==
        "relay.yaml:4:9: server.port: expected an integer 1-65535, got \"abc\"");
  CHECK(loadError("server:\n  port: 70000\n") ==
        "relay.yaml:2:9: server.port: expected an integer 1-65535, got \"70000\"");
  CHECK(loadError("server:\n  port: 0\n") ==
        "relay.yaml:2:9: server.port: expected an integer 1-65535, got \"0\"");
  CHECK(loadError("server:\n  port: [1]\n") ==
        "relay.yaml:2:9: server.port: expected an integer 1-65535, got a list");
  CHECK(loadError("server:\n  port:\n") ==
        "relay.yaml:2:3: server.port: expected an integer 1-65535, got nothing");
  CHECK(loadError("server:\n  workers: -1\n") ==
        "relay.yaml:2:12: server.workers: expected an integer 0-1024, got \"-1\"");
  CHECK(loadError("session:\n  sticky_ttl_seconds: 1h\n") ==
        "relay.yaml:2:23: session.sticky_ttl_seconds: expected an integer 1-31536000, got \"1h\"");
  CHECK(loadError("server:\n  host: {a: 1}\n") ==
        "relay.yaml:2:9: server.host: expected a string, got a map");
  CHECK(loadError("server:\n  host: \"\"\n") ==
        "relay.yaml:2:9: server.host: expected a non-empty string, got \"\"");
  CHECK(loadError("server: 5\n") == "relay.yaml:1:9: server: expected a map of keys, got \"5\"");
  CHECK(loadError("- a\n- b\n") == "relay.yaml:1:1: top level: expected a map of keys, got a list");
}

TEST_CASE("log_level is one of five") {
  CHECK(loadError("server:\n  log_level: verbose\n") ==
        "relay.yaml:2:14: server.log_level: expected one of trace, debug, info, warn, error, "
        "got \"verbose\"");
  CHECK(loadOk("server:\n  log_level: trace\n").server.log_level == "trace");
}

TEST_CASE("sizes take an integer or a number with a unit") {
  CHECK(loadOk("server:\n  max_request_bytes: 1048576\n").server.max_request_bytes == 1048576u);
  CHECK(loadOk("server:\n  max_request_bytes: 32MiB\n").server.max_request_bytes ==
        32u * 1024 * 1024);
  CHECK(loadOk("server:\n  max_header_bytes: 64KiB\n").server.max_header_bytes == 65536u);
  CHECK(loadOk("server:\n  max_request_bytes: \"1 GiB\"\n").server.max_request_bytes ==
        1024u * 1024 * 1024);
  CHECK(loadError("server:\n  max_request_bytes: 32XB\n") ==
        "relay.yaml:2:22: server.max_request_bytes: expected a size in bytes (a number, or with "
        "a unit: 64KiB, 32MiB, 1GiB), got \"32XB\"");
  CHECK(loadError("server:\n  max_header_bytes: 10\n") ==
        "relay.yaml:2:21: server.max_header_bytes: expected a size of at least 1KiB, got \"10\"");
}

TEST_CASE("api_keys and plugins are lists of non-empty strings") {
  CHECK(loadError("api_keys: key1\n") ==
        "relay.yaml:1:11: api_keys: expected a list of strings, got \"key1\"");
  CHECK(loadError("api_keys:\n  - a\n  - {b: 1}\n") ==
        "relay.yaml:3:5: api_keys[1]: expected a string, got a map");
  CHECK(loadError("api_keys:\n  - a\n  - \"\"\n") ==
        "relay.yaml:3:5: api_keys[1]: expected a non-empty string, got \"\"");
  CHECK(loadError("plugins: {a: b}\n") ==
        "relay.yaml:1:10: plugins: expected a list of strings, got a map");
  CHECK(loadOk("api_keys:\n").api_keys.empty());
}

TEST_CASE("a duplicate API key is reported without its value") {
  std::string e = loadError("api_keys:\n  - sk-secret\n  - other\n  - sk-secret\n");
  CHECK(e == "relay.yaml:4:5: api_keys[2]: duplicate API key (first at line 2)");
}

TEST_CASE("failover must be a map when given") {
  CHECK(loadError("failover: [1]\n") ==
        "relay.yaml:1:11: failover: expected a map of keys, got a list");
}

TEST_CASE("hostile-input guards: max_connections, allow_open, metrics_token") {
  Config d = loadOk("");
  CHECK(d.server.max_connections == 16384);
  CHECK_FALSE(d.server.allow_open);
  CHECK(d.server.metrics_token.empty());
  Config c = loadOk(
      "server:\n"
      "  max_connections: 3\n"
      "  allow_open: true\n"
      "  metrics_token: m-123\n");
  CHECK(c.server.max_connections == 3);
  CHECK(c.server.allow_open);
  CHECK(c.server.metrics_token == "m-123");
  CHECK(loadError("server:\n  max_connections: 0\n").find("max_connections") != std::string::npos);
  CHECK(loadError("server:\n  metrics_token: \"\"\n").find("metrics_token") != std::string::npos);
}

}  // namespace relay
