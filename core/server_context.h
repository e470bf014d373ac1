// Process-wide, read-mostly state shared by every worker, and the per-worker state.
#pragma once

#include <uv.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "core/accounts/account_directory.h"
#include "core/chain/filter_chain.h"
#include "core/chain/route_table.h"
#include "core/config/config.h"
#include "core/plugin/plugin_registry.h"
#include "core/server_descriptors.h"
#include "core/store/store.h"

namespace relay {

class DeferredDeleter;
class UpstreamClient;
class AccountPool;
class StickyStore;
class ProviderSet;
namespace store {
class LoopMailbox;
class UsageSink;
class WorkerUsage;
}  // namespace store
struct Request;
struct RequestState;
struct StreamStats;
struct WorkerContext;

struct ServerContext {
  Config config;
  RouteTable routes;
  std::map<std::string, std::unique_ptr<FilterChainFactory>> chains;
  AccountDirectory accounts;
  std::unique_ptr<PluginRegistry> plugins;
  std::unique_ptr<store::Store> store;      // opened by runServer, not by --check-config
  std::unique_ptr<store::UsageSink> usage;  // with the store: where the workers' usage goes
  // Created by runServer once the store is open (absent under --check-config).
  std::unique_ptr<AccountPool> pool;
  std::unique_ptr<StickyStore> sticky;
  std::unique_ptr<ProviderSet> providers;
  ServerContext();
  ~ServerContext();
  uint64_t start_time_ms = 0;  // wall clock, for uptime
  // --reset-secrets: drop the stored credentials at start-up (a lost or changed encryption key).
  bool reset_secrets = false;
  // The open-file limit and the descriptor table, set up by main() before any thread started
  // (runServer does it itself when this is empty).
  std::optional<ServerDescriptors> descriptors;
  // Access log, metrics and usage for each finished request; unset in unit tests.
  std::function<void(WorkerContext&, const Request&, const RequestState&, const StreamStats&)>
      on_request_finished;
};

struct WorkerContext {
  int index = 0;
  uv_loop_t* loop = nullptr;
  DeferredDeleter* deleter = nullptr;
  UpstreamClient* upstream = nullptr;
  std::shared_ptr<store::LoopMailbox> mailbox;  // brings cross-thread replies onto this loop
  store::WorkerUsage* usage = nullptr;          // this worker's usage ledger (none: not counted)
};

}  // namespace relay
