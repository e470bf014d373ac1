#include <signal.h>
#include <uv.h>

#include <cstring>
#include <memory>
#include <vector>

#include "core/loop/worker.h"
#include "core/obs/access_log.h"
#include "core/obs/log.h"
#include "core/server.h"
#include "relay_build_config.h"

namespace relay {

namespace {

struct SignalState {
  std::vector<std::unique_ptr<Worker>>* workers;
  uint64_t drain_ms;
  int signals_seen = 0;
  uv_signal_t sigint;
  uv_signal_t sigterm;
};

void onSignal(uv_signal_t* h, int signum) {
  auto* s = static_cast<SignalState*>(h->data);
  ++s->signals_seen;
  if (s->signals_seen == 1) {
    logf(LogLevel::kInfo, "server", "received %s; draining (up to %llu s)",
         signum == SIGINT ? "SIGINT" : "SIGTERM",
         static_cast<unsigned long long>(s->drain_ms / 1000));
    for (auto& w : *s->workers) w->drain(s->drain_ms);
    // The main loop only waits for signals; let it end once the workers are told.
    uv_close(reinterpret_cast<uv_handle_t*>(&s->sigint), nullptr);
    uv_close(reinterpret_cast<uv_handle_t*>(&s->sigterm), nullptr);
  }
}

HttpServerLimits limitsFrom(const ServerConfig& s) {
  HttpServerLimits l;
  l.max_header_bytes = s.max_header_bytes;
  l.max_request_bytes = s.max_request_bytes;
  l.header_timeout_ms = static_cast<uint64_t>(s.header_timeout_seconds) * 1000;
  l.idle_timeout_ms = static_cast<uint64_t>(s.idle_timeout_seconds) * 1000;
  l.write_high_water = s.stream_buffer_bytes;
  return l;
}

bool openStore(ServerContext& ctx) {
  try {
    store::StoreOptions opts;
    opts.path = ctx.config.server.database_path;
    opts.on_error = [](const std::string& m) { logf(LogLevel::kError, "store", "%s", m.c_str()); };
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

int runServer(ServerContext& ctx) {
  signal(SIGPIPE, SIG_IGN);
  const ServerConfig& sc = ctx.config.server;
  std::string error;
  if (!setAccessLog(sc.access_log, &error)) {
    logf(LogLevel::kError, "server", "server.access_log: %s", error.c_str());
    return 1;
  }
  if (!openStore(ctx)) return 1;
  int n = sc.workers > 0 ? sc.workers : static_cast<int>(uv_available_parallelism());
  std::vector<std::unique_ptr<Worker>> workers;
  for (int i = 0; i < n; ++i) {
    workers.push_back(std::make_unique<Worker>(i, ctx, limitsFrom(sc)));
    std::string error;
    if (!workers.back()->listen(&error)) {
      logf(LogLevel::kError, "server", "%s", error.c_str());
      return 1;
    }
  }
  uv_loop_t loop;
  uv_loop_init(&loop);
  SignalState sig{};
  sig.workers = &workers;
  sig.drain_ms = static_cast<uint64_t>(sc.drain_timeout_seconds) * 1000;
  uv_signal_init(&loop, &sig.sigint);
  uv_signal_init(&loop, &sig.sigterm);
  sig.sigint.data = sig.sigterm.data = &sig;
  uv_signal_start(&sig.sigint, &onSignal, SIGINT);
  uv_signal_start(&sig.sigterm, &onSignal, SIGTERM);

  for (auto& w : workers) w->start();
  logf(LogLevel::kInfo, "server", "relay %s listening on %s:%u with %d workers", RELAY_VERSION,
       sc.host.c_str(), static_cast<unsigned>(sc.port), n);
  uv_run(&loop, UV_RUN_DEFAULT);
  for (auto& w : workers) w->join();
  workers.clear();
  uv_loop_close(&loop);
  ctx.store.reset();  // commits what is queued
  logf(LogLevel::kInfo, "server", "drained; exiting");
  return 0;
}

}  // namespace relay
