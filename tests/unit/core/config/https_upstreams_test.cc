// httpsUpstreamCaFiles: the TLS contexts a configuration's https upstreams will need, built at
// start-up; none for a configuration whose upstreams are all plain HTTP.
#include "core/config/https_upstreams.h"

#include <string>
#include <vector>

#include "config_test_util.h"

namespace relay {

using test::loadOk;
using Files = std::vector<std::string>;

TEST_CASE("plain-HTTP accounts and filters need no TLS context") {
  Config c = loadOk(
      "accounts:\n"
      "  - type: t-api\n"
      "    id: a\n"
      "    api_url: http://127.0.0.1:9000\n"
      "    token_url: http://127.0.0.1:9000/token\n"
      "filter_chains:\n"
      "  c:\n"
      "    - auth\n"
      "    - proxy:\n"
      "        url: http://127.0.0.1:9001\n");
  CHECK(httpsUpstreamCaFiles(c).empty());
  CHECK(httpsUpstreamCaFiles(loadOk("server:\n  port: 3000\n")).empty());
}

TEST_CASE("an account on the provider's default URL or any https URL needs its CA file's") {
  Config c = loadOk(
      "server:\n"
      "  upstream_ca_file: /etc/relay/server-ca.pem\n"
      "accounts:\n"
      "  - type: t-api\n"
      "    id: default-url\n"
      "  - type: t-api\n"
      "    id: own-ca\n"
      "    api_url: HTTPS://api.example.com\n"
      "    ca_file: /etc/relay/own-ca.pem\n"
      "  - type: t-oauth\n"
      "    id: token-endpoint\n"
      "    api_url: http://127.0.0.1:9000\n"
      "    token_url: https://auth.example.com/token\n"
      "    ca_file: /etc/relay/token-ca.pem\n"
      "  - type: t-api\n"
      "    id: plain\n"
      "    api_url: http://127.0.0.1:9000\n"
      "    ca_file: /etc/relay/unused-ca.pem\n");
  CHECK(httpsUpstreamCaFiles(c) ==
        Files{"/etc/relay/own-ca.pem", "/etc/relay/server-ca.pem", "/etc/relay/token-ca.pem"});
}

TEST_CASE("a filter naming an https URL needs its ca_file's context, or the server's") {
  Config c = loadOk(
      "filter_chains:\n"
      "  a:\n"
      "    - proxy:\n"
      "        url: https://api.example.com\n"
      "  b:\n"
      "    - proxy:\n"
      "        url: https://other.example.com\n"
      "        ca_file: /etc/relay/private.pem\n");
  CHECK(httpsUpstreamCaFiles(c) == Files{"", "/etc/relay/private.pem"});
}

TEST_CASE("an https URL from the environment counts") {
  Config c = loadOk(
      "accounts:\n"
      "  - type: t-api\n"
      "    id: a\n"
      "    api_url: ${API_URL}\n",
      {{"API_URL", "https://api.example.com"}});
  CHECK(httpsUpstreamCaFiles(c) == Files{""});
}

}  // namespace relay
