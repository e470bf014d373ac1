#include "core/config/https_upstreams.h"

#include <set>
#include <string_view>

#include "core/http/headers.h"

namespace relay {

namespace {

bool isHttpsUrl(std::string_view s) {
  return startsWithIgnoreCase(s, "https://");
}

bool mentionsHttps(const YAML::Node& node, int depth = 0) {
  if (!node || depth > 32) return false;
  if (node.IsScalar()) return isHttpsUrl(node.Scalar());
  if (node.IsSequence()) {
    for (const auto& item : node)
      if (mentionsHttps(item, depth + 1)) return true;
  }
  if (node.IsMap()) {
    for (const auto& kv : node)
      if (mentionsHttps(kv.second, depth + 1)) return true;
  }
  return false;
}

}  // namespace

std::vector<std::string> httpsUpstreamCaFiles(const Config& config) {
  const std::string& server_ca = config.server.upstream_ca_file;
  std::set<std::string> files;
  for (const AccountConfig& a : config.accounts) {
    // `json` is the mapping after ${ENV} substitution: token and login endpoints are in it too.
    bool https = a.api_url.empty() || isHttpsUrl(a.api_url) ||
                 a.json.find("\"https://") != std::string::npos ||
                 a.json.find("\"HTTPS://") != std::string::npos;
    if (https) files.insert(a.ca_file.empty() ? server_ca : a.ca_file);
  }
  for (const auto& [name, chain] : config.chains) {
    for (const FilterSpec& f : chain.filters) {
      if (!mentionsHttps(f.config)) continue;
      YAML::Node ca = f.config.IsMap() ? f.config["ca_file"] : YAML::Node();
      files.insert(ca && ca.IsScalar() ? ca.Scalar() : server_ca);
    }
  }
  return {files.begin(), files.end()};
}

}  // namespace relay
