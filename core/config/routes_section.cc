// `routes:` — method + path -> chain, wire format and allowed providers.
#include <algorithm>
#include <array>

#include "core/config/config_error.h"
#include "core/config/config_sections.h"
#include "core/formats/default_routes.h"
#include "core/formats/wire_format.h"

namespace relay {

namespace {

constexpr std::array<std::string_view, 7> kMethods = {"GET",    "POST", "PUT",    "PATCH",
                                                      "DELETE", "HEAD", "OPTIONS"};

void checkPath(const MapReader& r, const std::string& path) {
  size_t star = path.find('*');
  if (path.front() != '/')
    r.fail("path", "expected a path starting with '/', got \"" + path + "\"");
  if (star != std::string::npos && star != path.size() - 1) {
    r.fail("path", "'*' may only end a path (a prefix match), got \"" + path + "\"");
  }
}

void readMethods(const MapReader& r, std::vector<std::string>* methods) {
  r.readStringList("methods", methods);
  const MapReader::Entry* e = r.find("methods");
  for (size_t i = 0; i < methods->size(); i++) {
    const std::string& m = (*methods)[i];
    if (std::find(kMethods.begin(), kMethods.end(), m) != kMethods.end()) continue;
    throw ConfigError(
        markOf(e->value[i], r.file()), r.pathOf("methods") + "[" + std::to_string(i) + "]",
        "expected an HTTP method (GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS), got \"" + m +
            "\"");
  }
}

bool methodsOverlap(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  if (a.empty() || b.empty()) return true;
  for (const std::string& m : a) {
    if (std::find(b.begin(), b.end(), m) != b.end()) return true;
  }
  return false;
}

RouteConfig readRoute(const YAML::Node& node, const std::string& path, const std::string& file,
                      const std::map<std::string, ChainConfig>& chains) {
  if (node.IsNull()) throw ConfigError(markOf(node, file), path, "expected a map, got nothing");
  MapReader r(node, path, file);
  r.allowKeys({"path", "methods", "chain", "format", "providers"});
  r.require("path");
  r.require("chain");
  RouteConfig route;
  route.mark = r.mark();
  route.format = std::string(wireFormatName(kDefaultWireFormat));
  r.readNonEmptyString("path", &route.path);
  checkPath(r, route.path);
  readMethods(r, &route.methods);
  r.readNonEmptyString("chain", &route.chain);
  if (!chains.count(route.chain) && !isBuiltinChainName(route.chain)) {
    r.fail("chain", "unknown chain \"" + route.chain +
                        "\" (declare it under filter_chains or use a built-in chain)");
  }
  r.readEnum("format", kWireFormatNames, &route.format);
  r.readStringList("providers", &route.providers);
  return route;
}

}  // namespace

bool isBuiltinChainName(const std::string& name) {
  return formats::isDefaultChainName(name);
}

std::vector<RouteConfig> readRoutesSection(const YAML::Node& node, const YAML::Node& /*key*/,
                                           const std::string& file,
                                           const std::map<std::string, ChainConfig>& chains) {
  std::vector<RouteConfig> routes;
  if (node.IsNull()) return routes;
  if (!node.IsSequence()) {
    throw ConfigError(markOf(node, file), "routes",
                      "expected a list of routes, got " + describeNode(node));
  }
  for (size_t i = 0; i < node.size(); i++) {
    std::string path = "routes[" + std::to_string(i) + "]";
    RouteConfig route = readRoute(node[i], path, file, chains);
    for (const RouteConfig& earlier : routes) {
      if (earlier.path != route.path || !methodsOverlap(earlier.methods, route.methods)) continue;
      throw ConfigError(route.mark, path,
                        "duplicate route for " + route.path + " (first at line " +
                            std::to_string(earlier.mark.line) + ")");
    }
    routes.push_back(std::move(route));
  }
  return routes;
}

}  // namespace relay
