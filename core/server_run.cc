#include <signal.h>
#include <uv.h>
#ifdef __GLIBC__
#include <malloc.h>  // malloc_trim
#endif

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include "core/accounts/account_metrics.h"
#include "core/accounts/account_pool.h"
#include "core/accounts/sticky_store.h"
#include "core/config/https_upstreams.h"
#include "core/loop/clock.h"
#include "core/loop/worker.h"
#include "core/net/connect/tls_context.h"
#include "core/obs/access_log.h"
#include "core/obs/log.h"
#include "core/obs/metrics.h"
#include "core/plugin/host_handles.h"
#include "core/provider/credential_watch.h"
#include "core/provider/provider_set.h"
#include "core/server.h"
#include "core/server_descriptors.h"
#include "core/store/loop_mailbox.h"
#include "core/store/store_error_reason.h"
#include "core/store/stored_secrets.h"
#include "core/store/usage_sink.h"
#include "relay_build_config.h"

namespace relay {

namespace {

struct SignalState {
  std::vector<std::unique_ptr<Worker>>* workers;
  uint64_t drain_ms;
  int signals_seen = 0;
  uv_signal_t sigint;
  uv_signal_t sigterm;
  // A hangup (the terminal closed, or a reload attempt: there is none) stops the relay as SIGTERM
  // does, draining and writing out the usage, where its default action lost both. Not when the
  // relay was started with SIGHUP ignored (nohup): it is to outlive its terminal then.
  uv_signal_t sighup;
};

const char* signalName(int signum) {
  switch (signum) {
    case SIGINT:
      return "SIGINT";
    case SIGHUP:
      return "SIGHUP (the relay does not reload its configuration: start it again to apply one)";
    default:
      return "SIGTERM";
  }
}

void onSignal(uv_signal_t* h, int signum) {
  auto* s = static_cast<SignalState*>(h->data);
  ++s->signals_seen;
  if (s->signals_seen == 1) {
    logf(LogLevel::kInfo, "server", "received %s; draining (up to %llu s)", signalName(signum),
         static_cast<unsigned long long>(s->drain_ms / 1000));
    for (auto& w : *s->workers) w->drain(s->drain_ms);
  } else {
    logf(LogLevel::kWarn, "server", "second signal: closing remaining connections now");
    for (auto& w : *s->workers) w->drain(0);
  }
}

HttpServerLimits limitsFrom(const ServerConfig& s,
                            const std::shared_ptr<ConnectionBudget>& connections) {
  HttpServerLimits l;
  l.connections = connections;
  l.max_header_bytes = s.max_header_bytes;
  l.max_request_bytes = s.max_request_bytes;
  l.header_timeout_ms = static_cast<uint64_t>(s.header_timeout_seconds) * 1000;
  l.idle_timeout_ms = static_cast<uint64_t>(s.idle_timeout_seconds) * 1000;
  l.body_idle_timeout_ms = static_cast<uint64_t>(s.body_idle_timeout_seconds) * 1000;
  l.write_high_water = s.stream_buffer_bytes;
  return l;
}

bool openStore(ServerContext& ctx) {
  try {
    store::StoreOptions opts;
    opts.path = ctx.config.server.database_path;
    // A failed write is logged and counted; requests go on being served without it.
    CounterFamily& errors = defaultMetricsRegistry().counter(
        "relay_store_errors_total",
        "Store writes (batches) that failed, by reason: locked (database busy), full (disk or "
        "max_page_count), io (disk I/O error), other.",
        {"reason"});
    opts.on_error = [&errors](const std::string& m) {
      errors.with({store::storeErrorReason(m)}).inc();
      logf(LogLevel::kError, "store", "%s", m.c_str());
    };
    ctx.store = store::Store::open(opts);
  } catch (const std::exception& e) {
    logf(LogLevel::kError, "store", "%s", e.what());
    return false;
  }
  const auto& report = ctx.store->migrationReport();
  if (!report.applied.empty())
    logf(LogLevel::kInfo, "store", "%s: schema version %d -> %d",
         ctx.config.server.database_path.c_str(), report.from_version, report.to_version);
  return true;
}

}  // namespace

namespace {

constexpr uint64_t kStickyPurgeMs = 60000;
// How often each worker hands its usage sums to the store: what kill -9 can lose at most.
constexpr uint64_t kUsageFlushMs = 1000;

// The main thread's loop: signals, and every account's async work (refresh, http_call).
struct ControlLoop {
  uv_loop_t loop;
  SignalState sig{};
  uv_async_t workers_done;
  uv_timer_t purge_timer;  // drops expired sticky bindings
  std::shared_ptr<store::LoopMailbox> mailbox;
  std::unique_ptr<UpstreamClient> client;
  std::optional<store::SecretBox> secrets;
  ProviderEnvironment env;
  // Tokens written by `relay-server login` while the relay runs.
  std::unique_ptr<CredentialWatch> credential_watch;
  ServerContext* ctx = nullptr;
};

// Opens the encryption key, refusing to start when tokens are already sealed in the database
// and the key is missing or another one; --reset-secrets drops them first. Throws StoreError.
bool checkStoredSecrets(ServerContext& ctx, ControlLoop& control) {
  const std::string& db_path = ctx.config.server.database_path;
  const char* env = std::getenv("RELAY_ENCRYPTION_KEY");
  std::optional<std::string> env_key = env && *env ? std::optional<std::string>(env) : std::nullopt;
  std::vector<std::string> sealed =
      ctx.store->query([](sqlite3* db) { return store::accountsWithSealedSecrets(db); });
  if (ctx.reset_secrets) {
    std::vector<std::string> dropped =
        ctx.store->query([](sqlite3* db) { return store::dropStoredSecrets(db); });
    std::string ids;
    for (const std::string& id : dropped) ids += (ids.empty() ? "" : ", ") + id;
    logf(LogLevel::kWarn, "store",
         "--reset-secrets: dropped the stored credentials of %zu account(s)%s%s; they start from "
         "the configuration's tokens",
         dropped.size(), dropped.empty() ? "" : ": ", ids.c_str());
    sealed.clear();
  }
  // A missing key file is the finding itself: check before fromKeyOrFile creates a new one.
  std::string why = store::checkSecretsKey(env_key, db_path, sealed, {});
  if (why.empty()) {
    control.secrets.emplace(store::SecretBox::fromKeyOrFile(env_key, db_path));
    const store::SecretBox box = *control.secrets;
    std::vector<std::string> unreadable =
        ctx.store->query([box](sqlite3* db) { return store::accountsUnreadableWith(db, box); });
    why = store::checkSecretsKey(env_key, db_path, sealed, unreadable);
  }
  if (!why.empty()) {
    logf(LogLevel::kError, "store", "cannot start: %s", why.c_str());
    return false;
  }
  return true;
}

bool startAccounts(ServerContext& ctx, ControlLoop& control) {
  const Config& c = ctx.config;
  try {
    if (!checkStoredSecrets(ctx, control)) return false;
    const PluginRegistry& plugins = *ctx.plugins;
    ctx.pool = std::make_unique<AccountPool>(
        c.accounts,
        [&plugins](const std::string& type) {
          const LoadedPlugin* p = plugins.providerFor(type);
          return p ? p->name() : type;
        },
        ctx.store.get());
    // Model families are the provider plugin's business (ABI 1.1 model_family).
    ctx.pool->setModelFamilies([&plugins](const std::string& provider, std::string_view model) {
      const LoadedPlugin* p = plugins.byName(provider);
      return p ? p->modelFamily(model) : std::string();
    });
    ctx.pool->loadState(unixTimeMs());
    registerAccountMetrics(*ctx.pool);
    ctx.sticky = std::make_unique<StickyStore>(
        c.session.sticky_ttl_seconds, c.session.renewal_threshold_seconds, ctx.store.get());
    ctx.sticky->load(unixTimeMs());
  } catch (const std::exception& e) {
    logf(LogLevel::kError, "accounts", "%s", e.what());
    return false;
  }
  ProviderEnvironment& env = control.env;
  env.control_loop = &control.loop;
  env.control_mailbox = control.mailbox;
  env.control_client = control.client.get();
  env.store = ctx.store.get();
  env.secrets = &*control.secrets;
  env.default_ca_file = c.server.upstream_ca_file;
  env.connect_timeout_ms = c.server.connect_timeout_seconds * 1000;
  env.handshake_timeout_ms = c.server.tls_handshake_timeout_seconds * 1000;
  env.on_token_expiry = [pool = ctx.pool.get()](const std::string& id, int64_t expires_at_ms) {
    if (PoolAccount* a = pool->find(id)) pool->setTokenExpiry(*a, expires_at_ms);
  };
  // A dead grant needs a person: disabled (never probed) until a login or new config tokens.
  env.on_credentials_dead = [pool = ctx.pool.get()](const std::string& id,
                                                    const std::string& reason) {
    if (PoolAccount* a = pool->find(id)) pool->disable(*a, reason);
  };
  installHandleBridge();
  ctx.providers = std::make_unique<ProviderSet>();
  std::string error;
  if (!ctx.providers->create(c.accounts, *ctx.plugins, env, &error)) {
    logf(LogLevel::kError, "accounts", "%s", error.c_str());
    return false;
  }
  ctx.providers->forEach([pool = ctx.pool.get()](ProviderAccount& a) {
    if (a.deadCredentialsReplacedByConfig()) pool->enable(a.id());
  });
  // New credentials are an operator's fix: the account's failure state is cleared with them.
  control.credential_watch = std::make_unique<CredentialWatch>(
      &control.loop, *ctx.store, *control.secrets, *ctx.providers,
      [pool = ctx.pool.get()](const std::string& id) { pool->enable(id); });
  control.credential_watch->start();
  return true;
}

// Every worker has stopped: release the control loop's handles so it can end.
void onWorkersDone(uv_async_t* a) {
  auto* control = static_cast<ControlLoop*>(a->data);
  auto close = [](auto* h) {
    if (!uv_is_closing(reinterpret_cast<uv_handle_t*>(h)))
      uv_close(reinterpret_cast<uv_handle_t*>(h), nullptr);
  };
  close(&control->sig.sigint);
  close(&control->sig.sigterm);
  close(&control->sig.sighup);
  close(&control->workers_done);
  close(&control->purge_timer);
  if (control->credential_watch) control->credential_watch->stop();
  if (control->ctx->providers) control->ctx->providers->shutdown();
  control->mailbox->close();
  control->client.reset();
  if (control->ctx->store) control->ctx->store->detachLoop(&control->loop);
}

// Start-up failed after the control loop was set up: release what it holds (the mailbox, the
// upstream client, the store's link, providers already created) so the exit leaks nothing.
void abandonControlLoop(ControlLoop& control) {
  if (control.credential_watch) control.credential_watch->stop();
  if (control.ctx->providers) control.ctx->providers->shutdown();
  control.mailbox->close();
  control.client.reset();
  if (control.ctx->store) control.ctx->store->detachLoop(&control.loop);
  uv_run(&control.loop, UV_RUN_DEFAULT);
  uv_loop_close(&control.loop);
}

}  // namespace

int runServer(ServerContext& ctx) {
  signal(SIGPIPE, SIG_IGN);
  const ServerConfig& sc = ctx.config.server;
  std::string error;
  if (!setAccessLog(sc.access_log, &error)) {
    logf(LogLevel::kError, "server", "server.access_log: %s", error.c_str());
    return 1;
  }
  // Normally main() sized the descriptor table before anything started a thread.
  if (!ctx.descriptors) ctx.descriptors = prepareServerDescriptors(sc);
  reportServerDescriptors(*ctx.descriptors, sc);
  // https upstreams: their TLS context (the system CA store, tens of ms) is built now, on a
  // thread, not by the first connection that needs it. Plain-HTTP relays stay without one.
  prepareClientTlsContexts(httpsUpstreamCaFiles(ctx.config));
  if (!openStore(ctx)) return 1;
  ctx.usage = std::make_unique<store::UsageSink>(
      *ctx.store, store::UsageOptions{ctx.config.usage.request_log, ctx.config.usage.retention_days,
                                      kUsageFlushMs});
  ctx.usage->purgeExpired(unixTimeMs());

  ControlLoop control;
  control.ctx = &ctx;
  uv_loop_init(&control.loop);
  control.mailbox = store::LoopMailbox::open(&control.loop);
  control.client = std::make_unique<UpstreamClient>(&control.loop);
  if (!startAccounts(ctx, control)) {
    abandonControlLoop(control);
    return 1;
  }

  int n = sc.workers > 0 ? sc.workers : static_cast<int>(uv_available_parallelism());
  std::vector<std::unique_ptr<Worker>> workers;
  auto connections = std::make_shared<ConnectionBudget>(static_cast<size_t>(sc.max_connections));
  for (int i = 0; i < n; ++i) {
    workers.push_back(std::make_unique<Worker>(i, ctx, limitsFrom(sc, connections)));
    if (!workers.back()->listen(&error)) {
      logf(LogLevel::kError, "server", "%s", error.c_str());
      return 1;
    }
    // Port 0: the first listener lets the kernel pick; the others share that port.
    if (i == 0 && sc.port == 0) ctx.config.server.port = workers.back()->localPort();
  }
  SignalState& sig = control.sig;
  sig.workers = &workers;
  sig.drain_ms = static_cast<uint64_t>(sc.drain_timeout_seconds) * 1000;
  uv_signal_init(&control.loop, &sig.sigint);
  uv_signal_init(&control.loop, &sig.sigterm);
  uv_signal_init(&control.loop, &sig.sighup);
  sig.sigint.data = sig.sigterm.data = sig.sighup.data = &sig;
  uv_signal_start(&sig.sigint, &onSignal, SIGINT);
  uv_signal_start(&sig.sigterm, &onSignal, SIGTERM);
  struct sigaction hup {};
  if (::sigaction(SIGHUP, nullptr, &hup) != 0 || hup.sa_handler != SIG_IGN)
    uv_signal_start(&sig.sighup, &onSignal, SIGHUP);
  uv_async_init(&control.loop, &control.workers_done, &onWorkersDone);
  control.workers_done.data = &control;

  uv_timer_init(&control.loop, &control.purge_timer);
  control.purge_timer.data = &ctx;
  uv_timer_start(
      &control.purge_timer,
      [](uv_timer_t* t) {
        auto* c = static_cast<ServerContext*>(t->data);
        if (c->sticky) c->sticky->purgeExpired(unixTimeMs());
        if (c->usage) c->usage->purgeExpired(unixTimeMs());
      },
      kStickyPurgeMs, kStickyPurgeMs);

  for (auto& w : workers) w->start();
#ifdef __GLIBC__
  // What building the server freed (the parsed YAML, SQLite's migration statements, plugin
  // tables' scratch) goes back to the kernel instead of staying in the heap (issue 12): RssAnon
  // 1340 -> 1310 kB on the bench config after bench/run's probes (5 runs each).
  malloc_trim(0);
#endif
  const bool ipv6 = sc.host.find(':') != std::string::npos;
  logf(LogLevel::kInfo, "server", "relay %s listening on %s%s%s:%u with %d workers", RELAY_VERSION,
       ipv6 ? "[" : "", sc.host.c_str(), ipv6 ? "]" : "", static_cast<unsigned>(sc.port), n);
  std::thread joiner([&] {
    for (auto& w : workers) w->join();
    uv_async_send(&control.workers_done);
  });
  uv_run(&control.loop, UV_RUN_DEFAULT);
  joiner.join();
  workers.clear();
  uv_run(&control.loop, UV_RUN_DEFAULT);  // close callbacks of what onWorkersDone released
  if (uv_loop_close(&control.loop) != 0)
    logf(LogLevel::kWarn, "server", "control loop still had open handles at exit");
  ctx.providers.reset();
  ctx.sticky.reset();
  ctx.pool.reset();
  ctx.usage.reset();  // the workers handed their usage over when they stopped
  ctx.store.reset();  // commits what is queued
  logf(LogLevel::kInfo, "server", "drained; exiting");
  return 0;
}

}  // namespace relay
