#include "core/chain/route_table.h"

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

namespace {

// Built-in routes name no provider: whoever serves the format (see servingProviders) may.
RouteConfig route(std::string path, std::vector<std::string> methods, std::string chain,
                  std::string format) {
  RouteConfig r;
  r.path = std::move(path);
  r.methods = std::move(methods);
  r.chain = std::move(chain);
  r.format = std::move(format);
  return r;
}

ChainConfig chain(std::string name, std::vector<std::string> filters) {
  ChainConfig c;
  c.name = std::move(name);
  for (auto& f : filters) c.filters.push_back(FilterSpec{std::move(f), YAML::Node(), {}});
  return c;
}

}  // namespace

std::vector<RouteConfig> defaultRouteConfigs() {
  std::vector<RouteConfig> out = {
      route("/", {"HEAD", "GET"}, "ok", "anthropic"),
      route("/health", {"GET"}, "health", "anthropic"),
      route("/metrics", {"GET"}, "metrics", "anthropic"),
      route("/api/event_logging/batch", {"POST"}, "ok", "anthropic"),
      route("/openai/v1/chat/completions", {"POST"}, "openai_chat", "openai-chat"),
      route("/openai/v1/models", {"GET"}, "openai_models", "openai-chat"),
      route("/openai/v1/responses", {"POST"}, "openai_responses", "openai-responses"),
      route("/gemini/v1/models", {"GET"}, "gemini_models", "gemini"),
      route("/gemini/v1beta/models", {"GET"}, "gemini_models", "gemini"),
      route("/gemini/v1/models/*", {"POST"}, "gemini", "gemini"),
      route("/gemini/v1beta/models/*", {"POST"}, "gemini", "gemini"),
      route("/gemini/v1internal:*", {"POST"}, "gemini", "gemini"),  // Code Assist pass-through
  };
  for (const char* prefix : {"/api/v1", "/claude/v1", "/v1"}) {
    std::string p = prefix;
    out.push_back(route(p + "/messages", {"POST"}, "anthropic", "anthropic"));
    out.push_back(
        route(p + "/messages/count_tokens", {"POST"}, "anthropic_count_tokens", "anthropic"));
    out.push_back(route(p + "/models", {"GET"}, "anthropic_models", "anthropic"));
  }
  return out;
}

std::vector<ChainConfig> defaultChainConfigs() {
  return {
      chain("anthropic", {"auth", "route", "sticky_session", "account_select", "translate",
                          "failover", "upstream"}),
      chain("anthropic_count_tokens", {"auth", "route", "account_select", "failover", "upstream"}),
      chain("anthropic_models", {"auth", "models"}),
      chain("gemini", {"auth", "route", "sticky_session", "account_select", "translate", "failover",
                       "upstream"}),
      chain("gemini_models", {"auth", "models"}),
      chain("openai_chat", {"auth", "route", "sticky_session", "account_select", "translate",
                            "failover", "upstream"}),
      chain("openai_models", {"auth", "models"}),
      chain("openai_responses", {"auth", "route", "sticky_session", "account_select", "translate",
                                 "failover", "upstream"}),
      chain("health", {"health"}),
      chain("metrics", {"metrics"}),
      chain("ok", {"ok"}),
  };
}

}  // namespace relay
