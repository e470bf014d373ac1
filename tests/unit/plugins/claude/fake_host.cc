#include "fake_host.h"

#include <strings.h>

#include <mutex>

extern "C" int relay_plugin_init(const relay_host_t* host, relay_plugin_t* out);

namespace claude_test {

namespace {

// The callbacks may run on several threads at once (prepare from workers).
std::recursive_mutex g_mu;
#define LOCKED std::lock_guard<std::recursive_mutex> lock(g_mu)

std::string str(relay_slice_t s) {
  return s.ptr ? std::string(s.ptr, s.len) : std::string();
}

void hostLog(uint32_t, relay_slice_t message) {
  LOCKED;
  fake().logs.push_back(str(message));
}
int64_t hostNow() {
  LOCKED;
  return fake().now_ms;
}

int hostSetUpstream(relay_host_request_t*, relay_slice_t method, relay_slice_t url) {
  LOCKED;
  fake().method = str(method);
  fake().url = str(url);
  return RELAY_OK;
}
int hostAddHeader(relay_host_request_t*, relay_slice_t name, relay_slice_t value) {
  LOCKED;
  fake().headers.push_back({str(name), str(value)});
  return RELAY_OK;
}
int hostSetBody(relay_host_request_t*, relay_slice_t body) {
  LOCKED;
  fake().body_set = true;
  fake().body = str(body);
  return RELAY_OK;
}
int hostEmit(relay_host_request_t*, relay_slice_t bytes) {
  LOCKED;
  fake().emitted += str(bytes);
  fake().emit_sizes.push_back(bytes.len);
  return RELAY_OK;
}
void hostReportUsage(relay_host_request_t*, const relay_usage_t* u) {
  LOCKED;
  fake().usages.push_back({str(u->model), u->input_tokens, u->output_tokens,
                           u->cache_creation_input_tokens, u->cache_read_input_tokens});
}
int hostHttpCall(relay_host_account_t*, const relay_http_request_t* r, uint64_t id) {
  LOCKED;
  HttpCall call{str(r->method), str(r->url), {}, str(r->body), id};
  for (size_t i = 0; i < r->header_count; ++i)
    call.headers.push_back({str(r->headers[i].name), str(r->headers[i].value)});
  fake().http.push_back(call);
  fake().calls.push_back("http " + call.url);
  return RELAY_OK;
}
int hostStoreGet(relay_host_account_t*, relay_slice_t key, relay_slice_t* value) {
  LOCKED;
  auto it = fake().store.find(str(key));
  if (it == fake().store.end()) return RELAY_ERROR;
  *value = slice(it->second);
  return RELAY_OK;
}
int hostStorePut(relay_host_account_t*, relay_slice_t key, relay_slice_t value) {
  LOCKED;
  fake().store[str(key)] = str(value);
  fake().calls.push_back("put " + str(key));
  return RELAY_OK;
}
void hostReady(relay_host_account_t*) {
  LOCKED;
  fake().calls.push_back("ready");
}
void hostFailed(relay_host_account_t*, relay_slice_t reason) {
  LOCKED;
  fake().calls.push_back("failed " + str(reason));
}
void hostFailedAs(relay_host_account_t*, uint32_t failure_class, relay_slice_t reason) {
  LOCKED;
  fake().calls.push_back("failed " + str(reason));
  fake().failure_classes.push_back(failure_class);
}
int hostAddModel(relay_host_model_list_t*, relay_slice_t id, relay_slice_t name) {
  LOCKED;
  fake().models.emplace_back(str(id), str(name));
  return RELAY_OK;
}
int hostScheduleRefresh(relay_host_account_t*, int64_t at_ms, int64_t expires_at_ms) {
  LOCKED;
  fake().calls.push_back("schedule " + std::to_string(at_ms) + " " + std::to_string(expires_at_ms));
  return RELAY_OK;
}

int hostStartTimer(relay_host_account_t*, int64_t at_ms, uint64_t timer_id) {
  LOCKED;
  fake().timers.push_back({at_ms, timer_id});
  fake().calls.push_back("timer " + std::to_string(timer_id));
  return RELAY_OK;
}

relay_host_t makeTable() {
  relay_host_t t{};
  t.struct_size = sizeof(t);
  t.abi_version = RELAY_PLUGIN_ABI_VERSION;
  t.log = hostLog;
  t.now_ms = hostNow;
  t.set_upstream = hostSetUpstream;
  t.add_header = hostAddHeader;
  t.set_body = hostSetBody;
  t.emit = hostEmit;
  t.report_usage = hostReportUsage;
  t.http_call = hostHttpCall;
  t.store_get = hostStoreGet;
  t.store_put = hostStorePut;
  t.credentials_ready = hostReady;
  t.credentials_failed = hostFailed;
  t.add_model = hostAddModel;
  t.schedule_refresh = hostScheduleRefresh;
  t.credentials_failed_as = hostFailedAs;
  t.start_timer = hostStartTimer;
  return t;
}

int g_request_token = 0;
int g_host_account_token = 0;

}  // namespace

void FakeHost::reset() {
  *this = FakeHost();
}

std::vector<std::string> FakeHost::headerValues(const std::string& name) const {
  std::vector<std::string> out;
  for (const Header& h : headers) {
    if (strcasecmp(h.name.c_str(), name.c_str()) == 0) out.push_back(h.value);
  }
  return out;
}

std::string FakeHost::header(const std::string& name) const {
  std::vector<std::string> v = headerValues(name);
  return v.empty() ? std::string() : v.front();
}

FakeHost& fake() {
  static FakeHost host;
  return host;
}

const relay_host_t* fakeHostTable() {
  static const relay_host_t table = makeTable();
  return &table;
}

const relay_plugin_t& plugin() {
  static relay_plugin_t table = [] {
    relay_plugin_t t{};
    t.struct_size = sizeof(t);
    relay_plugin_init(fakeHostTable(), &t);
    return t;
  }();
  return table;
}

relay_host_request_t* fakeRequest() {
  return reinterpret_cast<relay_host_request_t*>(&g_request_token);
}

relay_slice_t slice(const std::string& s) {
  return relay_slice_t{s.data(), s.size()};
}

relay_plugin_account_t* newAccount(const std::string& type, const std::string& json,
                                   relay_error_t* err) {
  relay_error_t local{};
  return plugin().account_new(reinterpret_cast<relay_host_account_t*>(&g_host_account_token),
                              slice(type), slice(json), err ? err : &local);
}

int prepare(relay_plugin_account_t* account, const RequestSpec& spec, relay_error_t* err) {
  std::vector<relay_header_t> headers;
  for (const Header& h : spec.headers) headers.push_back({slice(h.name), slice(h.value)});
  relay_request_view_t view{};
  view.struct_size = sizeof(view);
  view.method = slice(spec.method);
  view.path = slice(spec.path);
  view.query = slice(spec.query);
  view.headers = headers.data();
  view.header_count = headers.size();
  view.body = slice(spec.body);
  view.model = slice(spec.model);
  view.client_format = slice(spec.format);
  relay_error_t local{};
  return plugin().prepare(account, fakeRequest(), &view, err ? err : &local);
}

}  // namespace claude_test
