#include "core/chain/route_table.h"

#include "core/formats/default_routes.h"

namespace relay {

namespace {

bool methodAllowed(const Route& r, std::string_view method) {
  if (r.methods.empty()) return true;
  for (const auto& m : r.methods)
    if (m == method || (m == "GET" && method == "HEAD")) return true;
  return false;
}

bool pathMatches(const Route& r, std::string_view path) {
  if (!r.prefix) return path == r.path;
  return path.starts_with(r.path);
}

}  // namespace

const Route* RouteTable::match(std::string_view method, std::string_view path,
                               RouteLookup* why) const {
  const Route* best = nullptr;
  bool path_seen = false;
  for (const auto& r : routes_) {
    if (!pathMatches(r, path)) continue;
    path_seen = true;
    if (!methodAllowed(r, method)) continue;
    if (!best || (!r.prefix && best->prefix) ||
        (r.prefix == best->prefix && r.path.size() > best->path.size()))
      best = &r;
  }
  if (why)
    *why = best        ? RouteLookup::Found
           : path_seen ? RouteLookup::MethodNotAllowed
                       : RouteLookup::NotFound;
  return best;
}

std::vector<RouteConfig> defaultRouteConfigs() {
  std::vector<RouteConfig> out;
  for (formats::DefaultRoute& d : formats::defaultRoutes()) {
    RouteConfig r;
    r.path = std::move(d.path);
    r.methods = std::move(d.methods);
    r.chain = std::move(d.chain);
    r.format = std::move(d.format);
    out.push_back(std::move(r));
  }
  return out;
}

std::vector<ChainConfig> defaultChainConfigs() {
  std::vector<ChainConfig> out;
  for (formats::DefaultChain& d : formats::defaultChains()) {
    ChainConfig c;
    c.name = std::move(d.name);
    for (auto& f : d.filters) c.filters.push_back(FilterSpec{std::move(f), YAML::Node(), {}});
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace relay
