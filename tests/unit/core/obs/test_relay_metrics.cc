#include <doctest/doctest.h>

#include <chrono>

#include "core/obs/relay_metrics.h"

namespace relay {
namespace {

bool has(const std::string& text, const std::string& line) {
  return text.find(line) != std::string::npos;
}

TEST_CASE("requestFinished counts the request, its duration and its bytes") {
  MetricsRegistry registry;
  RelayMetrics metrics(registry, "1.2.3");
  metrics.requestFinished("claude", "POST", 200, 0.003, 1000);
  metrics.requestFinished("claude", "POST", 200, 45, 24);
  metrics.requestFinished("claude", "GET", 404, 0.0005, 10);
  std::string text = registry.render();
  CHECK(has(text, "relay_requests_total{route=\"claude\",method=\"POST\",status=\"200\"} 2\n"));
  CHECK(has(text, "relay_requests_total{route=\"claude\",method=\"GET\",status=\"404\"} 1\n"));
  CHECK(has(text, "relay_response_bytes_total{route=\"claude\"} 1034\n"));
  CHECK(has(text, "relay_request_duration_seconds_bucket{route=\"claude\",le=\"0.001\"} 1\n"));
  CHECK(has(text, "relay_request_duration_seconds_bucket{route=\"claude\",le=\"0.005\"} 2\n"));
  CHECK(has(text, "relay_request_duration_seconds_bucket{route=\"claude\",le=\"30\"} 2\n"));
  CHECK(has(text, "relay_request_duration_seconds_bucket{route=\"claude\",le=\"60\"} 3\n"));
  CHECK(has(text, "relay_request_duration_seconds_bucket{route=\"claude\",le=\"600\"} 3\n"));
  CHECK(has(text, "relay_request_duration_seconds_count{route=\"claude\"} 3\n"));
}

TEST_CASE("requestFinished keeps label sets and instances apart, however they interleave") {
  MetricsRegistry first_registry, second_registry;
  RelayMetrics first(first_registry, "1.2.3");
  RelayMetrics second(second_registry, "1.2.3");
  const char* routes[] = {"/a", "/b", "/c", "/d", "/e", "/f"};
  for (int round = 0; round < 3; ++round) {
    for (const char* route : routes) {
      first.requestFinished(route, "POST", 200, 0.01, 1);
      first.requestFinished(route, "POST", 500, 0.01, 2);
      second.requestFinished(route, "POST", 200, 0.01, 4);
    }
  }
  first.requestFinished("/a", "GET", 200, 0.01, 8);
  std::string one = first_registry.render();
  std::string two = second_registry.render();
  for (std::string route : routes) {
    CHECK(has(one,
              "relay_requests_total{route=\"" + route + "\",method=\"POST\",status=\"200\"} 3\n"));
    CHECK(has(one,
              "relay_requests_total{route=\"" + route + "\",method=\"POST\",status=\"500\"} 3\n"));
    CHECK(has(two,
              "relay_requests_total{route=\"" + route + "\",method=\"POST\",status=\"200\"} 3\n"));
    CHECK_FALSE(has(two, "route=\"" + route + "\",method=\"POST\",status=\"500\""));
  }
  CHECK(has(one, "relay_requests_total{route=\"/a\",method=\"GET\",status=\"200\"} 1\n"));
  CHECK(has(one, "relay_response_bytes_total{route=\"/a\"} 17\n"));
  CHECK(has(two, "relay_response_bytes_total{route=\"/a\"} 12\n"));
}

TEST_CASE(
    "upstreamResponse keeps accounts, statuses and instances apart, however they interleave") {
  MetricsRegistry first_registry, second_registry;
  RelayMetrics first(first_registry, "1.2.3");
  RelayMetrics second(second_registry, "1.2.3");
  const char* accounts[] = {"a1", "a2", "a3", "a4", "a5", "a6"};
  for (int round = 0; round < 3; ++round) {
    for (const char* account : accounts) {
      first.upstreamResponse("p", account, 200);
      first.upstreamResponse("p", account, 529);
      first.upstreamResponse("q", account, 200);
      second.upstreamResponse("p", account, 200);
    }
  }
  first.upstreamResponse("p", "a1", 200);
  std::string one = first_registry.render();
  std::string two = second_registry.render();
  for (std::string account : accounts) {
    std::string n = account == "a1" ? "4" : "3";
    CHECK(has(one, "relay_upstream_requests_total{provider=\"p\",account=\"" + account +
                       "\",status=\"200\"} " + n + "\n"));
    CHECK(has(one, "relay_upstream_requests_total{provider=\"p\",account=\"" + account +
                       "\",status=\"529\"} 3\n"));
    CHECK(has(one, "relay_upstream_requests_total{provider=\"q\",account=\"" + account +
                       "\",status=\"200\"} 3\n"));
    CHECK(has(two, "relay_upstream_requests_total{provider=\"p\",account=\"" + account +
                       "\",status=\"200\"} 3\n"));
    CHECK_FALSE(has(two, "account=\"" + account + "\",status=\"529\""));
  }
}

TEST_CASE("duration buckets run from 1 ms to 600 s") {
  const auto& buckets = RelayMetrics::durationBuckets();
  REQUIRE_FALSE(buckets.empty());
  CHECK(buckets.front() == 0.001);
  CHECK(buckets.back() == 600);
}

TEST_CASE("connection and stream gauges go up and down") {
  MetricsRegistry registry;
  RelayMetrics metrics(registry, "1.2.3");
  metrics.connectionOpened();
  metrics.connectionOpened();
  metrics.connectionClosed();
  metrics.streamOpened();
  std::string text = registry.render();
  CHECK(has(text, "\nrelay_active_connections 1\n"));
  CHECK(has(text, "\nrelay_active_streams 1\n"));
}

TEST_CASE("upstream responses, errors and failovers are labelled by provider and account") {
  MetricsRegistry registry;
  RelayMetrics metrics(registry, "1.2.3");
  metrics.upstreamResponse("claude", "claude-1", 429);
  metrics.upstreamError("claude", "claude-1", "rate_limit");
  metrics.upstreamError("claude", "claude-1", "rate_limit");
  metrics.failover("claude");
  std::string text = registry.render();
  CHECK(has(text,
            "relay_upstream_requests_total{provider=\"claude\",account=\"claude-1\","
            "status=\"429\"} 1\n"));
  CHECK(has(text,
            "relay_upstream_errors_total{provider=\"claude\",account=\"claude-1\","
            "kind=\"rate_limit\"} 2\n"));
  CHECK(has(text, "relay_failovers_total{provider=\"claude\"} 1\n"));
}

TEST_CASE("build info is 1 with the version and the start time is now") {
  MetricsRegistry registry;
  RelayMetrics metrics(registry, "1.2.3");
  std::string text = registry.render();
  CHECK(has(text, "# TYPE relay_build_info gauge\nrelay_build_info{version=\"1.2.3\"} 1\n"));
  auto pos = text.find("\nrelay_process_start_time_seconds ");
  REQUIRE(pos != std::string::npos);
  double start = std::stod(text.substr(pos + 34));
  double now =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  CHECK(start <= now);
  CHECK(start > now - 60);
}

TEST_CASE("the process-wide instance renders through renderMetrics") {
  relayMetrics().requestFinished("global-route", "POST", 201, 0.01, 5);
  CHECK(has(renderMetrics(),
            "relay_requests_total{route=\"global-route\",method=\"POST\",status=\"201\"} 1\n"));
  CHECK(has(renderMetrics(), "relay_build_info{version=\""));
}

}  // namespace
}  // namespace relay
