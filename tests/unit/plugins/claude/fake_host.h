// A relay_host_t that records every callback, and helpers to drive the Claude plugin's hooks.
#ifndef RELAY_TESTS_UNIT_PLUGINS_CLAUDE_FAKE_HOST_H
#define RELAY_TESTS_UNIT_PLUGINS_CLAUDE_FAKE_HOST_H

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "relay_plugin.h"

namespace claude_test {

struct Header {
  std::string name;
  std::string value;
};

struct HttpCall {
  std::string method;
  std::string url;
  std::vector<Header> headers;
  std::string body;
  uint64_t call_id = 0;
};

struct Timer {
  int64_t at_ms = 0;
  uint64_t id = 0;
};

struct Usage {
  std::string model;
  uint64_t input = 0, output = 0, cache_creation = 0, cache_read = 0;
};

struct FakeHost {
  int64_t now_ms = 1'700'000'000'000;
  std::vector<std::string> calls;  // account-side conversation, in order
  std::string method, url;
  std::vector<Header> headers;
  bool body_set = false;
  std::string body;
  std::string emitted;
  std::vector<size_t> emit_sizes;
  std::vector<Usage> usages;
  std::map<std::string, std::string> store;
  std::vector<HttpCall> http;
  std::vector<std::pair<std::string, std::string>> models;
  std::vector<std::string> logs;
  std::vector<uint32_t> failure_classes;  // one per credentials_failed_as, in order
  std::vector<Timer> timers;              // host->start_timer calls, in order

  void reset();
  // Values of every upstream header named name (case-insensitive), in order.
  std::vector<std::string> headerValues(const std::string& name) const;
  std::string header(const std::string& name) const;  // the first, or ""
};

FakeHost& fake();
const relay_host_t* fakeHostTable();
// The plugin table, initialised once against the fake host (the plugin linked in statically).
const relay_plugin_t& plugin();
relay_host_request_t* fakeRequest();

relay_plugin_account_t* newAccount(const std::string& type, const std::string& json,
                                   relay_error_t* err = nullptr);

struct RequestSpec {
  std::string method = "POST";
  std::string path = "/v1/messages";
  std::string query;
  std::string body = R"({"model":"claude-sonnet-4-5","max_tokens":16,"messages":[]})";
  std::string model = "claude-sonnet-4-5";
  std::string format = "anthropic";
  std::vector<Header> headers;
};

int prepare(relay_plugin_account_t* account, const RequestSpec& spec, relay_error_t* err = nullptr);

relay_slice_t slice(const std::string& s);

}  // namespace claude_test

#endif
