// The host table: local callbacks and forwarding of the others to PluginHostBridge.
#include "core/plugin/plugin_host.h"

#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <vector>

namespace {

relay_slice_t slice(const char* s) {
  return relay_slice_t{s, std::char_traits<char>::length(s)};
}

// Records every call as one line so a test can compare the whole conversation.
class RecordingBridge : public relay::PluginHostBridge {
 public:
  std::vector<std::string> calls;
  std::string stored = "rotated-token";

  int setUpstream(relay_host_request_t*, std::string_view m, std::string_view u) override {
    return record("upstream " + std::string(m) + " " + std::string(u));
  }
  int addHeader(relay_host_request_t*, std::string_view n, std::string_view v) override {
    return record("header " + std::string(n) + ": " + std::string(v));
  }
  int setBody(relay_host_request_t*, std::string_view b) override {
    return record("body " + std::string(b));
  }
  int emit(relay_host_request_t*, std::string_view b) override {
    return record("emit " + std::string(b));
  }
  void reportUsage(relay_host_request_t*, const relay_usage_t& u) override {
    record("usage " + std::to_string(u.input_tokens) + "/" + std::to_string(u.output_tokens));
  }
  int httpCall(relay_host_account_t*, const relay_http_request_t& r, uint64_t id) override {
    return record("http " + std::string(r.url.ptr, r.url.len) + " #" + std::to_string(id));
  }
  bool storeGet(relay_host_account_t*, std::string_view key, std::string_view* value) override {
    record("get " + std::string(key));
    if (key != "refresh_token") return false;
    *value = stored;
    return true;
  }
  int storePut(relay_host_account_t*, std::string_view k, std::string_view v) override {
    return record("put " + std::string(k) + "=" + std::string(v));
  }
  void credentialsReady(relay_host_account_t*) override { record("ready"); }
  void credentialsFailed(relay_host_account_t*, std::string_view reason) override {
    record("failed " + std::string(reason));
  }
  void credentialsFailedAs(relay_host_account_t*, uint32_t failure_class,
                           std::string_view reason) override {
    record("failed-as " + std::to_string(failure_class) + " " + std::string(reason));
  }
  int addModel(relay_host_model_list_t*, std::string_view id, std::string_view name) override {
    return record("model " + std::string(id) + " (" + std::string(name) + ")");
  }
  int scheduleRefresh(relay_host_account_t*, int64_t at_ms, int64_t expires_at_ms) override {
    return record("schedule " + std::to_string(at_ms) + " " + std::to_string(expires_at_ms));
  }
  int startTimer(relay_host_account_t*, int64_t at_ms, uint64_t timer_id) override {
    return record("timer " + std::to_string(at_ms) + " #" + std::to_string(timer_id));
  }

 private:
  int record(std::string call) {
    calls.push_back(std::move(call));
    return RELAY_OK;
  }
};

// Installs a bridge for one test and removes it again.
struct BridgeScope {
  explicit BridgeScope(relay::PluginHostBridge* b) { relay::setPluginHostBridge(b); }
  ~BridgeScope() { relay::setPluginHostBridge(nullptr); }
};

}  // namespace

TEST_CASE("the host table declares its size, version and every callback") {
  const relay_host_t* host = relay::pluginHostTable();
  CHECK(host->struct_size == sizeof(relay_host_t));
  CHECK(host->abi_version == RELAY_PLUGIN_ABI_VERSION);
  CHECK(RELAY_HOST_HAS(host, log));
  CHECK(RELAY_HOST_HAS(host, now_ms));
  CHECK(RELAY_HOST_HAS(host, http_call));
  CHECK(RELAY_HOST_HAS(host, add_model));
}

TEST_CASE("now_ms is wall-clock unix milliseconds") {
  using namespace std::chrono;
  int64_t before = duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
  int64_t now = relay::pluginHostTable()->now_ms();
  int64_t after = duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
  CHECK(before <= now);
  CHECK(now <= after);
}

TEST_CASE("plugin log lines carry the level") {
  CHECK(relay::formatPluginLogLine(RELAY_LOG_WARN, "token expires soon") ==
        "relay: plugin [warn] token expires soon\n");
  CHECK(relay::formatPluginLogLine(RELAY_LOG_DEBUG, "x") == "relay: plugin [debug] x\n");
  CHECK(relay::formatPluginLogLine(99, "odd") == "relay: plugin [error] odd\n");
}

TEST_CASE("plugin log lines go through the host's secret redaction") {
  CHECK(relay::formatPluginLogLine(
            RELAY_LOG_INFO,
            R"(token endpoint said {"access_token":"at-1","refresh_token":"rt-2"})") ==
        "relay: plugin [info] token endpoint said "
        R"({"access_token":"[REDACTED]","refresh_token":"[REDACTED]"})"
        "\n");
  CHECK(relay::formatPluginLogLine(RELAY_LOG_WARN, "retrying with Bearer abc.def") ==
        "relay: plugin [warn] retrying with Bearer [REDACTED]\n");
}

TEST_CASE("without a bridge the request callbacks answer unsupported") {
  const relay_host_t* host = relay::pluginHostTable();
  relay::setPluginHostBridge(nullptr);
  CHECK(host->set_upstream(nullptr, slice("POST"), slice("https://x")) == RELAY_UNSUPPORTED);
  CHECK(host->emit(nullptr, slice("data")) == RELAY_UNSUPPORTED);
  relay_slice_t value{};
  CHECK(host->store_get(nullptr, slice("k"), &value) == RELAY_UNSUPPORTED);
  host->credentials_ready(nullptr);  // must not crash
}

TEST_CASE("bridged callbacks reach PluginHostBridge with their arguments") {
  RecordingBridge bridge;
  BridgeScope scope(&bridge);
  const relay_host_t* host = relay::pluginHostTable();

  CHECK(host->set_upstream(nullptr, slice("POST"), slice("https://api.example/v1/messages")) ==
        RELAY_OK);
  host->add_header(nullptr, slice("authorization"), slice("Bearer t"));
  host->set_body(nullptr, slice("{}"));
  host->emit(nullptr, slice("event: ping\n\n"));
  relay_usage_t usage{};
  usage.struct_size = sizeof(usage);
  usage.input_tokens = 12;
  usage.output_tokens = 34;
  host->report_usage(nullptr, &usage);
  relay_http_request_t call{};
  call.struct_size = sizeof(call);
  call.url = slice("https://token.example/oauth");
  host->http_call(nullptr, &call, 42);
  relay_slice_t value{};
  CHECK(host->store_get(nullptr, slice("refresh_token"), &value) == RELAY_OK);
  CHECK(std::string(value.ptr, value.len) == "rotated-token");
  CHECK(host->store_get(nullptr, slice("absent"), &value) == RELAY_ERROR);
  host->store_put(nullptr, slice("project"), slice("p-1"));
  host->credentials_ready(nullptr);
  host->credentials_failed(nullptr, slice("invalid_grant"));
  REQUIRE(RELAY_HOST_HAS(host, credentials_failed_as));
  host->credentials_failed_as(nullptr, RELAY_CLASS_PERMANENT, slice("revoked"));
  host->add_model(nullptr, slice("claude-sonnet-4-5"), slice("Claude Sonnet 4.5"));

  CHECK(bridge.calls == std::vector<std::string>{
                            "upstream POST https://api.example/v1/messages",
                            "header authorization: Bearer t",
                            "body {}",
                            "emit event: ping\n\n",
                            "usage 12/34",
                            "http https://token.example/oauth #42",
                            "get refresh_token",
                            "get absent",
                            "put project=p-1",
                            "ready",
                            "failed invalid_grant",
                            "failed-as 3 revoked",
                            "model claude-sonnet-4-5 (Claude Sonnet 4.5)",
                        });
}

TEST_CASE("start_timer (1.3) reaches the bridge; without a bridge it is unsupported") {
  const relay_host_t* host = relay::pluginHostTable();
  REQUIRE(RELAY_HOST_HAS(host, start_timer));
  relay::setPluginHostBridge(nullptr);
  CHECK(host->start_timer(nullptr, 1000, 1) == RELAY_UNSUPPORTED);
  RecordingBridge bridge;
  BridgeScope scope(&bridge);
  CHECK(host->start_timer(nullptr, 1700000002000, 7) == RELAY_OK);
  CHECK(bridge.calls == std::vector<std::string>{"timer 1700000002000 #7"});
}
