// The `proxy` filter's YAML: accepted shapes, and located, actionable errors for the rest.
#include <doctest/doctest.h>
#include <yaml-cpp/yaml.h>

#include "core/server_context.h"
#include "filters/proxy/proxy_filter.h"

namespace relay {
namespace {

struct Built {
  bool ok = false;
  std::string error;
};

Built build(const std::string& yaml) {
  FilterSpec spec;
  spec.name = "proxy";
  spec.config = YAML::Load(yaml);
  spec.mark.file = "relay.yaml";
  ServerContext server;
  Built out;
  out.ok = buildProxyFilter(spec, server, &out.error) != nullptr;
  return out;
}

std::string errorOf(const std::string& yaml) {
  Built b = build(yaml);
  CHECK_FALSE(b.ok);
  return b.error;
}

TEST_CASE("accepts a url alone and the full form with a proxy") {
  CHECK(build("{url: 'http://127.0.0.1:8080'}").ok);
  Built full = build(
      "url: https://api.example.com/base/\n"
      "strip_prefix: false\n"
      "ca_file: /etc/relay/ca.pem\n"
      "name: example-upstream\n"
      "proxy: {type: socks5, host: 127.0.0.1, port: 1080, username: u, password: p}\n");
  CHECK(full.error == "");
  CHECK(full.ok);
  CHECK(build("{url: 'https://h', proxy: {type: http, host: proxy.lan, port: 3128}}").ok);
  CHECK(build("{url: 'https://h', proxy: null}").ok);
}

TEST_CASE("url is required and must be http(s)") {
  CHECK(errorOf("{}").find("missing required key 'url'") != std::string::npos);
  CHECK(errorOf("").find("missing required key 'url'") != std::string::npos);
  CHECK(errorOf("{url: 'ftp://h'}").find("url: expected an http:// or https:// URL") !=
        std::string::npos);
}

TEST_CASE("unknown keys are refused with the key path") {
  std::string e = errorOf("{url: 'http://h', proxi: {}}");
  CHECK(e.find("relay.yaml:1:") == 0);
  CHECK(e.find("proxi") != std::string::npos);
  CHECK(errorOf("{url: 'http://h', proxy: {type: socks5, host: h, port: 1, user: x}}")
            .find("proxy.user") != std::string::npos);
}

TEST_CASE("proxy has the same shape and checks as an account's proxy") {
  const std::string head = "url: http://h\nproxy:\n";
  CHECK(errorOf(head + "  host: h\n  port: 1080\n").find("proxy: missing required key 'type'") !=
        std::string::npos);
  CHECK(
      errorOf(head + "  type: socks5\n  port: 1080\n").find("proxy: missing required key 'host'") !=
      std::string::npos);
  CHECK(errorOf(head + "  type: socks5\n  host: h\n").find("proxy: missing required key 'port'") !=
        std::string::npos);
  CHECK(errorOf(head + "  type: socks4\n  host: h\n  port: 1\n").find("proxy.type") !=
        std::string::npos);
  CHECK(errorOf(head + "  type: http\n  host: h\n  port: 0\n").find("proxy.port") !=
        std::string::npos);
  CHECK(errorOf(head + "  type: http\n  host: h\n  port: 70000\n").find("proxy.port") !=
        std::string::npos);
  CHECK(errorOf(head + "  type: http\n  host: ''\n  port: 1\n").find("proxy.host") !=
        std::string::npos);
  std::string e = errorOf(head + "  type: http\n  host: h\n  port: 1\n  password: hunter2\n");
  CHECK(e.find("proxy.password: a password needs a username") != std::string::npos);
  CHECK(e.find("hunter2") == std::string::npos);
}

TEST_CASE("name is an id-like label") {
  CHECK(build("{url: 'http://h', name: 'up-1_a.b:c@d'}").ok);
  CHECK(errorOf("{url: 'http://h', name: ''}").find("name") != std::string::npos);
  CHECK(errorOf("{url: 'http://h', name: 'has space'}").find("name: expected letters") !=
        std::string::npos);
}

}  // namespace
}  // namespace relay
