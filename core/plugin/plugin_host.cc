#include "core/plugin/plugin_host.h"

#include <atomic>
#include <chrono>
#include <cstdio>

#include "core/obs/redact.h"

namespace relay {
namespace {

std::atomic<PluginHostBridge*> g_bridge{nullptr};
std::atomic<uint32_t> g_min_level{RELAY_LOG_INFO};

std::string_view view(relay_slice_t s) {
  return s.ptr ? std::string_view(s.ptr, s.len) : "";
}

PluginHostBridge* bridge() {
  return g_bridge.load(std::memory_order_acquire);
}

const char* levelName(uint32_t level) {
  switch (level) {
    case RELAY_LOG_TRACE:
      return "trace";
    case RELAY_LOG_DEBUG:
      return "debug";
    case RELAY_LOG_INFO:
      return "info";
    case RELAY_LOG_WARN:
      return "warn";
    case RELAY_LOG_ERROR:
      return "error";
    default:
      return "error";  // an unknown level is treated as the loudest
  }
}

void hostLog(uint32_t level, relay_slice_t message) {
  uint32_t effective = level > RELAY_LOG_ERROR ? uint32_t{RELAY_LOG_ERROR} : level;
  if (effective < g_min_level.load(std::memory_order_relaxed)) return;
  std::string line = formatPluginLogLine(level, view(message));
  std::fwrite(line.data(), 1, line.size(), stderr);  // one write: lines from loops do not mix
}

int64_t hostNowMs() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

int hostSetUpstream(relay_host_request_t* req, relay_slice_t method, relay_slice_t url) {
  PluginHostBridge* b = bridge();
  return b ? b->setUpstream(req, view(method), view(url)) : RELAY_UNSUPPORTED;
}

int hostAddHeader(relay_host_request_t* req, relay_slice_t name, relay_slice_t value) {
  PluginHostBridge* b = bridge();
  return b ? b->addHeader(req, view(name), view(value)) : RELAY_UNSUPPORTED;
}

int hostSetBody(relay_host_request_t* req, relay_slice_t body) {
  PluginHostBridge* b = bridge();
  return b ? b->setBody(req, view(body)) : RELAY_UNSUPPORTED;
}

int hostEmit(relay_host_request_t* req, relay_slice_t bytes) {
  PluginHostBridge* b = bridge();
  return b ? b->emit(req, view(bytes)) : RELAY_UNSUPPORTED;
}

void hostReportUsage(relay_host_request_t* req, const relay_usage_t* usage) {
  PluginHostBridge* b = bridge();
  if (b && usage) b->reportUsage(req, *usage);
}

int hostHttpCall(relay_host_account_t* account, const relay_http_request_t* request,
                 uint64_t call_id) {
  PluginHostBridge* b = bridge();
  if (!request) return RELAY_ERROR;
  return b ? b->httpCall(account, *request, call_id) : RELAY_UNSUPPORTED;
}

int hostStoreGet(relay_host_account_t* account, relay_slice_t key, relay_slice_t* value_out) {
  PluginHostBridge* b = bridge();
  if (!b) return RELAY_UNSUPPORTED;
  std::string_view value;
  if (!value_out || !b->storeGet(account, view(key), &value)) return RELAY_ERROR;
  *value_out = relay_slice_t{value.data(), value.size()};
  return RELAY_OK;
}

int hostStorePut(relay_host_account_t* account, relay_slice_t key, relay_slice_t value) {
  PluginHostBridge* b = bridge();
  return b ? b->storePut(account, view(key), view(value)) : RELAY_UNSUPPORTED;
}

void hostCredentialsReady(relay_host_account_t* account) {
  if (PluginHostBridge* b = bridge()) b->credentialsReady(account);
}

void hostCredentialsFailed(relay_host_account_t* account, relay_slice_t reason) {
  if (PluginHostBridge* b = bridge()) b->credentialsFailed(account, view(reason));
}

void hostCredentialsFailedAs(relay_host_account_t* account, uint32_t failure_class,
                             relay_slice_t reason) {
  if (PluginHostBridge* b = bridge()) b->credentialsFailedAs(account, failure_class, view(reason));
}

int hostAddModel(relay_host_model_list_t* list, relay_slice_t id, relay_slice_t display_name) {
  PluginHostBridge* b = bridge();
  return b ? b->addModel(list, view(id), view(display_name)) : RELAY_UNSUPPORTED;
}

int hostScheduleRefresh(relay_host_account_t* account, int64_t at_ms, int64_t expires_at_ms) {
  PluginHostBridge* b = bridge();
  return b ? b->scheduleRefresh(account, at_ms, expires_at_ms) : RELAY_UNSUPPORTED;
}

int hostLoginUrl(relay_host_account_t* account, relay_slice_t url) {
  PluginHostBridge* b = bridge();
  return b ? b->loginUrl(account, view(url)) : RELAY_UNSUPPORTED;
}

void hostLoginDone(relay_host_account_t* account, int32_t outcome, relay_slice_t identity,
                   relay_slice_t reason) {
  if (PluginHostBridge* b = bridge()) b->loginDone(account, outcome, view(identity), view(reason));
}

int hostStartTimer(relay_host_account_t* account, int64_t at_ms, uint64_t timer_id) {
  PluginHostBridge* b = bridge();
  return b ? b->startTimer(account, at_ms, timer_id) : RELAY_UNSUPPORTED;
}

relay_host_t makeHostTable() {
  relay_host_t host{};
  host.struct_size = sizeof(relay_host_t);
  host.abi_version = RELAY_PLUGIN_ABI_VERSION;
  host.log = hostLog;
  host.now_ms = hostNowMs;
  host.set_upstream = hostSetUpstream;
  host.add_header = hostAddHeader;
  host.set_body = hostSetBody;
  host.emit = hostEmit;
  host.report_usage = hostReportUsage;
  host.http_call = hostHttpCall;
  host.store_get = hostStoreGet;
  host.store_put = hostStorePut;
  host.credentials_ready = hostCredentialsReady;
  host.credentials_failed = hostCredentialsFailed;
  host.add_model = hostAddModel;
  host.schedule_refresh = hostScheduleRefresh;
  host.login_url = hostLoginUrl;
  host.login_done = hostLoginDone;
  host.credentials_failed_as = hostCredentialsFailedAs;
  host.start_timer = hostStartTimer;
  return host;
}

}  // namespace

const relay_host_t* pluginHostTable() {
  static const relay_host_t table = makeHostTable();
  return &table;
}

void setPluginHostBridge(PluginHostBridge* bridge) {
  g_bridge.store(bridge, std::memory_order_release);
}

void setPluginLogLevel(relay_log_level_t min_level) {
  g_min_level.store(static_cast<uint32_t>(min_level), std::memory_order_relaxed);
}

std::string formatPluginLogLine(uint32_t level, std::string_view message) {
  std::string line = "relay: plugin [";
  line += levelName(level);
  line += "] ";
  line += redactSecrets(message);  // plugins log through the same redaction as the host
  line += '\n';
  return line;
}

}  // namespace relay
