#include <arpa/inet.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <set>

#include "core/accounts/account_pool.h"
#include "core/accounts/sticky_store.h"
#include "core/config/config_error.h"
#include "core/loop/clock.h"
#include "core/net/upstream/upstream_url.h"
#include "core/obs/log.h"
#include "core/obs/redact.h"
#include "core/plugin/plugin_host.h"
#include "core/plugin/plugin_loader.h"
#include "core/provider/account_secrets.h"
#include "core/provider/account_validation.h"
#include "core/provider/provider_set.h"
#include "core/request_finish.h"
#include "core/server.h"
#include "filters/builtin.h"
#include "filters/observe/exchange_observer.h"

namespace relay {

namespace {

std::string where(const ConfigMark& m) {
  if (m.file.empty()) return "";
  return m.file + ":" + std::to_string(m.line) + ":" + std::to_string(m.column) + ": ";
}

// "FILE:LINE:COL: accounts[i].KEY", naming an account's key in a start-up error.
std::string accountKeyAt(const AccountConfig& a, size_t i, std::string_view key) {
  return where(a.mark) + "accounts[" + std::to_string(i) + "]." + std::string(key);
}

// The plugins found beside the binary (or installed), then the config's `plugins:` list.
bool loadPluginsInto(ServerContext& ctx, std::string* error) {
  ctx.plugins = std::make_unique<PluginRegistry>();
  PluginLoader loader(pluginHostTable());
  std::string why = loadPlugins({}, loader, ctx.plugins.get());
  if (!why.empty()) {
    *error = ctx.config.file + ": plugins: " + why;
    return false;
  }
  const Config& c = ctx.config;
  for (size_t i = 0; i < c.plugins.size(); ++i) {
    why = loadConfiguredPlugin(c.plugins[i], loader, ctx.plugins.get());
    if (why.empty()) continue;
    ConfigMark mark = i < c.plugin_marks.size() ? c.plugin_marks[i] : ConfigMark{c.file, 0, 0};
    if (mark.file.empty()) mark.file = c.file;
    *error = formatConfigError(mark, "plugins[" + std::to_string(i) + "]", why);
    return false;
  }
  return true;
}

// Every account type must be served by a loaded provider plugin.
bool checkAccountTypes(const ServerContext& ctx, std::string* error) {
  for (size_t i = 0; i < ctx.config.accounts.size(); ++i) {
    const AccountConfig& a = ctx.config.accounts[i];
    if (ctx.plugins->providerFor(a.type)) continue;
    std::string known;
    for (const auto& p : ctx.plugins->plugins())
      for (const auto& t : p->accountTypes()) known += (known.empty() ? "" : ", ") + t;
    *error = accountKeyAt(a, i, "type") + ": unknown account type '" + a.type +
             "' (loaded plugins serve: " + (known.empty() ? "none" : known) + ")";
    return false;
  }
  return true;
}

// An account's api_url must be one the upstream client can reach: checked at start-up (and by
// --check-config), not by the first request, where it failed as an upstream error and ejected the
// account.
bool checkAccountUrls(const ServerContext& ctx, std::string* error) {
  for (size_t i = 0; i < ctx.config.accounts.size(); ++i) {
    const AccountConfig& a = ctx.config.accounts[i];
    std::string why;
    if (a.api_url.empty() || parseUpstreamUrl(a.api_url, &why)) continue;
    *error = accountKeyAt(a, i, "api_url") + ": " + why;
    return false;
  }
  return true;
}

// A CA file the TLS contexts will load must be a readable file now: a missing one failed each
// https request of the accounts that use it, as an upstream error that named no configuration key.
bool checkCaFile(const std::string& file, const std::string& where_key, std::string* error) {
  if (file.empty()) return true;
  struct stat st {};
  std::string why;
  if (::stat(file.c_str(), &st) != 0)
    why = std::strerror(errno);
  else if (S_ISDIR(st.st_mode))
    why = "it is a directory";
  else if (FILE* f = std::fopen(file.c_str(), "rb"))
    std::fclose(f);
  else
    why = std::strerror(errno);
  if (why.empty()) return true;
  *error = where_key + ": cannot read the CA file " + file + ": " + why;
  return false;
}

bool checkCaFiles(const ServerContext& ctx, std::string* error) {
  const Config& c = ctx.config;
  if (!checkCaFile(c.server.upstream_ca_file,
                   (c.file.empty() ? "" : c.file + ": ") + "server.upstream_ca_file", error))
    return false;
  for (size_t i = 0; i < c.accounts.size(); ++i) {
    const AccountConfig& a = c.accounts[i];
    if (!checkCaFile(a.ca_file, accountKeyAt(a, i, "ca_file"), error)) return false;
  }
  return true;
}

// A route's providers must name loaded provider plugins: a misspelt one passed, and every
// request on the route got "no available account for provider ...".
bool checkRouteProviders(const ServerContext& ctx, std::string* error) {
  for (size_t i = 0; i < ctx.config.routes.size(); ++i) {
    const RouteConfig& route = ctx.config.routes[i];
    for (size_t j = 0; j < route.providers.size(); ++j) {
      std::string known;
      bool found = false;
      for (const auto& p : ctx.plugins->plugins()) {
        if (p->accountTypes().empty()) continue;  // not a provider
        found = found || p->name() == route.providers[j];
        known += (known.empty() ? "" : ", ") + p->name();
      }
      if (found) continue;
      *error = where(route.mark) + "routes[" + std::to_string(i) + "].providers[" +
               std::to_string(j) + "]: unknown provider '" + route.providers[j] +
               "' (loaded provider plugins: " + (known.empty() ? "none" : known) + ")";
      return false;
    }
  }
  return true;
}

bool buildChains(ServerContext& ctx, std::string* error) {
  FilterRegistry registry;
  registerBuiltinFilters(registry);
  std::map<std::string, ChainConfig> all;
  for (auto& c : defaultChainConfigs()) all[c.name] = c;
  for (const auto& [name, c] : ctx.config.chains) all[name] = c;
  for (const auto& [name, c] : all) {
    auto chain = FilterChainFactory::build(c, registry, ctx, error);
    if (!chain) return false;
    // The access log, the request metrics and the usage observe every chain's answers: a
    // declared chain that does not list `observe` (first) gets it put first.
    const auto& names = chain->filterNames();
    if (names.empty() || names.front() != kObserveFilterName)
      chain->prepend(kObserveFilterName, makeExchangeObserverFactory());
    ctx.chains[name] = std::move(chain);
  }
  return true;
}

bool buildRoutes(ServerContext& ctx, std::string* error) {
  // Declared routes come first so they win over a built-in route with the same path.
  std::vector<RouteConfig> configs = ctx.config.routes;
  for (auto& r : defaultRouteConfigs()) configs.push_back(std::move(r));
  for (size_t i = 0; i < configs.size(); ++i) {
    const RouteConfig& rc = configs[i];
    std::string key = "routes[" + std::to_string(i) + "]";
    Route r;
    r.prefix = rc.path.ends_with('*');
    r.path = r.prefix ? rc.path.substr(0, rc.path.size() - 1) : rc.path;
    r.methods = rc.methods;
    r.chain_name = rc.chain;
    r.providers = rc.providers;
    auto fmt = parseWireFormat(rc.format);  // the config reader sets a default
    if (!fmt) {
      *error = where(rc.mark) + key + ".format: unknown format '" + rc.format + "'";
      return false;
    }
    r.format = *fmt;
    auto it = ctx.chains.find(rc.chain);
    if (it == ctx.chains.end()) {
      *error = where(rc.mark) + key + ".chain: unknown chain '" + rc.chain + "'";
      return false;
    }
    r.chain = it->second.get();
    ctx.routes.add(std::move(r));
  }
  return true;
}

// 127.0.0.0/8, ::1 (also IPv4-mapped) and "localhost"; a name or wildcard is not loopback.
bool isLoopbackHost(const std::string& host) {
  if (host == "localhost") return true;
  in_addr v4{};
  if (inet_pton(AF_INET, host.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6{};
  if (inet_pton(AF_INET6, host.c_str(), &v6) != 1) return false;
  if (IN6_IS_ADDR_LOOPBACK(&v6)) return true;
  return IN6_IS_ADDR_V4MAPPED(&v6) && v6.s6_addr[12] == 127;
}

// A secret shorter than kMinRedactedValue is never masked (core/obs/redact.h says why): the
// operator hears so once, by the secret's key, never its value.
void warnIfUnmaskable(const std::string& key, const std::string& secret) {
  if (secret.size() >= kMinRedactedValue) return;
  logf(LogLevel::kWarn, "config",
       "%s is shorter than %zu bytes: too short to be masked in logs (a value that short turns "
       "up inside ordinary text) and easily guessed; use a longer secret",
       key.c_str(), kMinRedactedValue);
}

// Every relay-level secret in the config is masked exactly in logs, whatever shape it has
// (account values: registerAccountSecrets).
void registerConfigSecrets(const Config& c) {
  for (size_t i = 0; i < c.api_keys.size(); ++i) {
    addRedactedValue(c.api_keys[i]);
    warnIfUnmaskable("api_keys[" + std::to_string(i) + "]", c.api_keys[i]);
  }
  addRedactedValue(c.server.metrics_token);
  if (!c.server.metrics_token.empty())
    warnIfUnmaskable("server.metrics_token", c.server.metrics_token);
  for (size_t i = 0; i < c.accounts.size(); ++i) {
    const AccountConfig& a = c.accounts[i];
    if (!a.proxy || a.proxy->password.empty()) continue;
    addRedactedValue(a.proxy->password);
    warnIfUnmaskable("accounts[" + std::to_string(i) + "].proxy.password (account " + a.id + ")",
                     a.proxy->password);
  }
}

// With no api_keys, anyone who reaches the address spends the accounts.
bool checkOpenRelay(const Config& c, std::string* error) {
  if (!c.api_keys.empty() || c.server.allow_open || isLoopbackHost(c.server.host)) return true;
  *error = c.file + ": api_keys is empty and server.host '" + c.server.host +
           "' is not a loopback address, so anyone who can reach it could use every account. "
           "Add api_keys, listen on 127.0.0.1, or set server.allow_open: true to run an open "
           "relay on purpose";
  return false;
}

}  // namespace

std::unique_ptr<ServerContext> buildServerContext(Config config, std::string* error) {
  auto ctx = std::make_unique<ServerContext>();
  ctx->config = std::move(config);
  if (!checkOpenRelay(ctx->config, error)) return nullptr;
  registerConfigSecrets(ctx->config);
  ctx->start_time_ms = static_cast<uint64_t>(unixTimeMs());
  ctx->on_request_finished = [server = ctx.get()](WorkerContext& worker, const Request& req,
                                                  const RequestState& state,
                                                  const StreamStats& stats) {
    recordFinishedRequest(*server, worker, req, state, stats);
  };
  // Provider keys are unknown to the core: mask every secret-looking account value in logs.
  registerAccountSecrets(ctx->config.accounts);
  if (!loadPluginsInto(*ctx, error) || !checkAccountTypes(*ctx, error) ||
      !checkAccountUrls(*ctx, error) || !checkRouteProviders(*ctx, error) ||
      !checkCaFiles(*ctx, error))
    return nullptr;
  // Each plugin checks the keys of its accounts (also under --check-config).
  *error = validateAccounts(ctx->config.accounts, *ctx->plugins);
  if (!error->empty()) return nullptr;
  const PluginRegistry& plugins = *ctx->plugins;
  ctx->accounts.load(ctx->config.accounts, [&plugins](const std::string& type) {
    const LoadedPlugin* p = plugins.providerFor(type);
    return p ? p->name() : type;
  });
  if (!buildChains(*ctx, error) || !buildRoutes(*ctx, error)) return nullptr;
  return ctx;
}

std::string describeServer(const ServerContext& ctx) {
  const Config& c = ctx.config;
  std::string out = "config OK: " + c.file + "\n";
  out += "  listen:   " + c.server.host + ":" + std::to_string(c.server.port) + " (" +
         (c.server.workers > 0 ? std::to_string(c.server.workers) : std::string("auto")) +
         " workers)\n";
  out += "  database: " + c.server.database_path + "\n";
  out += "  api keys: " + std::to_string(c.api_keys.size()) +
         (c.api_keys.empty() ? " (authentication disabled)\n" : "\n");
  out += "  accounts: " + std::to_string(c.accounts.size());
  std::string per;
  for (const auto& [provider, states] : ctx.accounts.summary()) {
    int n = 0;
    for (const auto& [_, k] : states) n += k;
    per += (per.empty() ? "" : ", ") + provider + ": " + std::to_string(n);
  }
  out += per.empty() ? "\n" : " (" + per + ")\n";
  std::string names;
  for (const auto& p : ctx.plugins->plugins())
    names += (names.empty() ? "" : ", ") + p->name() + " " + formatAbiVersion(p->abiVersion());
  out += "  plugins:  " + (names.empty() ? std::string("none") : names) + "\n";
  out += "  routes:   " + std::to_string(ctx.routes.routes().size()) +
         ", chains: " + std::to_string(ctx.chains.size()) + "\n";
  return out;
}

}  // namespace relay
