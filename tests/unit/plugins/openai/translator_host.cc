#include "translator_host.h"

#include <stdexcept>

extern "C" int relay_plugin_init(const relay_host_t* host, relay_plugin_t* out);

namespace openai_test {

namespace {

std::string str(relay_slice_t s) {
  return s.ptr ? std::string(s.ptr, s.len) : std::string();
}
relay_slice_t slice(const std::string& s) {
  return relay_slice_t{s.data(), s.size()};
}

int64_t hostNow() {
  return recorded().now_ms;
}
int hostSetBody(relay_host_request_t*, relay_slice_t body) {
  recorded().body_set = true;
  recorded().body = str(body);
  return RELAY_OK;
}
int hostEmit(relay_host_request_t*, relay_slice_t bytes) {
  recorded().emitted += str(bytes);
  ++recorded().emit_calls;
  return RELAY_OK;
}

const relay_host_t* hostTable() {
  static const relay_host_t table = [] {
    relay_host_t t{};
    t.struct_size = sizeof(t);
    t.abi_version = RELAY_PLUGIN_ABI_VERSION;
    t.now_ms = hostNow;
    t.set_body = hostSetBody;
    t.emit = hostEmit;
    return t;
  }();
  return &table;
}

int g_requests[8];

void clearRecord() {
  int64_t now = recorded().now_ms;
  recorded() = Recorded();
  recorded().now_ms = now;
}

}  // namespace

Recorded& recorded() {
  static Recorded r;
  return r;
}

const relay_plugin_t& plugin() {
  static relay_plugin_t table = [] {
    relay_plugin_t t{};
    t.struct_size = sizeof(t);
    if (relay_plugin_init(hostTable(), &t) != RELAY_OK) throw std::runtime_error("init failed");
    return t;
  }();
  return table;
}

relay_host_request_t* request(int n) {
  return reinterpret_cast<relay_host_request_t*>(&g_requests[n]);
}

Translator::Translator(const std::string& pair) {
  relay_error_t err{};
  t_ = plugin().translator_new(slice(pair), &err);
  if (!t_) throw std::runtime_error(err.message);
}

Translator::~Translator() {
  plugin().translator_free(t_);
}

std::string Translator::request(const std::string& body, relay_error_t* err, int req) {
  clearRecord();
  relay_error_t local{};
  int rc =
      plugin().translate_request(t_, openai_test::request(req), slice(body), err ? err : &local);
  return rc == RELAY_OK ? recorded().body : std::string();
}

std::string Translator::streamWhole(const std::string& sse, int req) {
  clearRecord();
  relay_plugin_stream_t* s = plugin().stream_new(t_, openai_test::request(req));
  plugin().stream_data(s, slice(sse), 0);
  plugin().stream_data(s, relay_slice_t{nullptr, 0}, 1);
  plugin().stream_free(s);
  return recorded().emitted;
}

std::string Translator::streamBytewise(const std::string& sse, int req) {
  clearRecord();
  relay_plugin_stream_t* s = plugin().stream_new(t_, openai_test::request(req));
  for (size_t i = 0; i < sse.size(); ++i) {
    plugin().stream_data(s, relay_slice_t{sse.data() + i, 1}, i + 1 == sse.size());
  }
  if (sse.empty()) plugin().stream_data(s, relay_slice_t{nullptr, 0}, 1);
  plugin().stream_free(s);
  return recorded().emitted;
}

std::string Translator::response(int32_t status, const std::string& body, int req) {
  clearRecord();
  plugin().translate_response(t_, openai_test::request(req), status, slice(body));
  return recorded().emitted;
}

std::string Translator::error(int32_t status, const std::string& body, int req) {
  clearRecord();
  plugin().translate_error(t_, openai_test::request(req), status, slice(body));
  return recorded().emitted;
}

}  // namespace openai_test
