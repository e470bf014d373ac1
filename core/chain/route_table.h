// Method + path (query ignored) -> route. Paths are exact, or prefixes when they end in '*'.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/config/config.h"
#include "core/formats/wire_format.h"

namespace relay {

class FilterChainFactory;

struct Route {
  std::string path;
  bool prefix = false;
  std::vector<std::string> methods;  // empty: any method
  std::string chain_name;
  WireFormat format = kDefaultWireFormat;
  std::vector<std::string> providers;
  const FilterChainFactory* chain = nullptr;  // resolved after chains are built
  std::string label;  // path, with '*' for a prefix: the metrics' `route` label (set by add)
};

enum class RouteLookup { Found, NotFound, MethodNotAllowed };

class RouteTable {
 public:
  void add(Route r) {
    r.label = r.path + (r.prefix ? "*" : "");
    routes_.push_back(std::move(r));
  }
  // Exact paths win over prefixes; longer prefixes over shorter ones.
  const Route* match(std::string_view method, std::string_view path, RouteLookup* why) const;
  std::vector<Route>& routes() { return routes_; }
  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
};

// The built-in routes (core/formats/default_routes.h) used when the config declares no
// `routes:`.
std::vector<RouteConfig> defaultRouteConfigs();
// The built-in chains used when the config declares no `filter_chains:` (name -> filters).
std::vector<ChainConfig> defaultChainConfigs();

}  // namespace relay
