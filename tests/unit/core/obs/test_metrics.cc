#include <doctest/doctest.h>

#include <stdexcept>
#include <thread>
#include <vector>

#include "core/obs/metrics.h"

namespace relay {
namespace {

TEST_CASE("a small registry renders exactly in text format 0.0.4") {
  MetricsRegistry registry;
  auto& requests = registry.counter("app_requests_total", "Requests served.", {"code", "path"});
  requests.with({"200", "/a"}).inc(3);
  requests.with({"500", "/a"}).inc();
  registry.gauge("app_temperature", "Current\ntemperature \\ in C.").with({}).set(-1.5);
  auto& latency = registry.histogram("app_latency_seconds", "Latency.", {}, {0.1, 1});
  latency.with({}).observe(0.05);
  latency.with({}).observe(0.5);
  latency.with({}).observe(5);
  registry.addCollector([](MetricsWriter& w) {
    w.gauge("app_account_state", "State of each account.", {{"account", "a\"1"}}, 1);
  });

  CHECK(registry.render() ==
        "# HELP app_requests_total Requests served.\n"
        "# TYPE app_requests_total counter\n"
        "app_requests_total{code=\"200\",path=\"/a\"} 3\n"
        "app_requests_total{code=\"500\",path=\"/a\"} 1\n"
        "# HELP app_temperature Current\\ntemperature \\\\ in C.\n"
        "# TYPE app_temperature gauge\n"
        "app_temperature -1.5\n"
        "# HELP app_latency_seconds Latency.\n"
        "# TYPE app_latency_seconds histogram\n"
        "app_latency_seconds_bucket{le=\"0.1\"} 1\n"
        "app_latency_seconds_bucket{le=\"1\"} 2\n"
        "app_latency_seconds_bucket{le=\"+Inf\"} 3\n"
        "app_latency_seconds_sum 5.55\n"
        "app_latency_seconds_count 3\n"
        "# HELP app_account_state State of each account.\n"
        "# TYPE app_account_state gauge\n"
        "app_account_state{account=\"a\\\"1\"} 1\n");
}

TEST_CASE("label values escape backslash, quote and newline") {
  MetricsRegistry registry;
  registry.counter("x_total", "X.", {"v"}).with({"a\\b\"c\nd"}).inc();
  CHECK(registry.render().find("x_total{v=\"a\\\\b\\\"c\\nd\"} 1\n") != std::string::npos);
}

TEST_CASE("a label-less family renders zero before any update") {
  MetricsRegistry registry;
  registry.counter("idle_total", "Never incremented.");
  CHECK(registry.render() ==
        "# HELP idle_total Never incremented.\n# TYPE idle_total counter\nidle_total 0\n");
}

TEST_CASE("concurrent increments from several threads sum exactly") {
  MetricsRegistry registry;
  auto& family = registry.counter("hits_total", "Hits.", {"worker"});
  auto& gauge = registry.gauge("level", "Level.");
  auto& hist = registry.histogram("lat_seconds", "Lat.", {}, {1});
  constexpr int kThreads = 4;
  constexpr int kPerThread = 50000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      Counter cached = family.with({"shared"});
      for (int i = 0; i < kPerThread; ++i) {
        cached.inc();
        family.with({"looked-up"}).inc(2);  // the lookup path is thread-safe too
        gauge.with({}).inc();
        hist.with({}).observe(0.5);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  CHECK(family.with({"shared"}).value() == uint64_t{kThreads} * kPerThread);
  CHECK(family.with({"looked-up"}).value() == uint64_t{2} * kThreads * kPerThread);
  CHECK(gauge.with({}).value() == doctest::Approx(kThreads * kPerThread));
  std::string text = registry.render();
  CHECK(text.find("lat_seconds_count 200000\n") != std::string::npos);
  CHECK(text.find("lat_seconds_sum 100000\n") != std::string::npos);
}

TEST_CASE("a series resolved once per thread is the same cell; label sets never alias") {
  MetricsRegistry registry;
  auto& family = registry.counter("app_cached_total", "Cached.", {"a", "b"});
  family.with({"x", "yz"}).inc();
  family.with({"x", "yz"}).inc();  // from this thread's cache
  family.with({"xy", "z"}).inc();  // same bytes joined, another label set
  std::thread other([&] { family.with({"x", "yz"}).inc(5); });
  other.join();
  CHECK(family.with({"x", "yz"}).value() == 7);
  CHECK(family.with({"xy", "z"}).value() == 1);
  CHECK_THROWS_AS(family.with({"x"}), std::invalid_argument);
}

TEST_CASE("a new registry's family is not served from an old family's cached series") {
  for (int round = 0; round < 3; ++round) {
    MetricsRegistry registry;
    auto& family = registry.counter("app_round_total", "Rounds.", {"k"});
    CHECK(family.with({"v"}).value() == 0);
    family.with({"v"}).inc();
    CHECK(registry.render().find("app_round_total{k=\"v\"} 1") != std::string::npos);
  }
}

TEST_CASE("histogram buckets are cumulative and a bound value falls in its own bucket") {
  MetricsRegistry registry;
  auto h = registry.histogram("d_seconds", "D.", {"route"}, {0.01, 0.1, 1}).with({"r"});
  for (double v : {0.001, 0.01, 0.02, 0.1, 0.5, 0.9, 2.0, 100.0}) h.observe(v);
  std::string text = registry.render();
  CHECK(text.find("d_seconds_bucket{route=\"r\",le=\"0.01\"} 2\n") != std::string::npos);
  CHECK(text.find("d_seconds_bucket{route=\"r\",le=\"0.1\"} 4\n") != std::string::npos);
  CHECK(text.find("d_seconds_bucket{route=\"r\",le=\"1\"} 6\n") != std::string::npos);
  CHECK(text.find("d_seconds_bucket{route=\"r\",le=\"+Inf\"} 8\n") != std::string::npos);
  CHECK(text.find("d_seconds_count{route=\"r\"} 8\n") != std::string::npos);
  CHECK(text.find("d_seconds_sum{route=\"r\"} 103.531\n") != std::string::npos);
}

TEST_CASE("registration rejects bad names and conflicting redefinitions") {
  MetricsRegistry registry;
  CHECK_THROWS_AS(registry.counter("requests", "no suffix"), std::invalid_argument);
  CHECK_THROWS_AS(registry.gauge("bad-name", "x"), std::invalid_argument);
  CHECK_THROWS_AS(registry.gauge("g", "x", {"__reserved"}), std::invalid_argument);
  CHECK_THROWS_AS(registry.histogram("h", "x", {"le"}, {1}), std::invalid_argument);
  CHECK_THROWS_AS(registry.histogram("h", "x", {}, {1, 1}), std::invalid_argument);
  auto& first = registry.counter("c_total", "C.", {"a"});
  CHECK(&registry.counter("c_total", "C.", {"a"}) == &first);
  CHECK_THROWS_AS(registry.counter("c_total", "C.", {"b"}), std::invalid_argument);
  CHECK_THROWS_AS(registry.gauge("c_total", "C."), std::invalid_argument);
  CHECK_THROWS_AS(first.with({"x", "y"}), std::invalid_argument);
}

TEST_CASE("collectors run at every render and may register metrics") {
  MetricsRegistry registry;
  int calls = 0;
  registry.addCollector([&](MetricsWriter& w) {
    ++calls;
    registry.counter("late_total", "Registered from a collector.");
    w.gauge("calls", "Renders so far.", {}, calls);
  });
  CHECK(registry.render().find("calls 1\n") != std::string::npos);
  std::string second = registry.render();
  CHECK(second.find("calls 2\n") != std::string::npos);
  CHECK(second.find("late_total 0\n") != std::string::npos);
}

TEST_CASE("metric values print as the shortest exact text") {
  CHECK(formatMetricValue(0) == "0");
  CHECK(formatMetricValue(1e-3) == "0.001");
  CHECK(formatMetricValue(600) == "600");
  CHECK(formatMetricValue(200000) == "200000");
  CHECK(formatMetricValue(-0.0) == "0");
  CHECK(formatMetricValue(1.5e300) == "1.5e+300");
  CHECK(formatMetricValue(1.0 / 0.0) == "+Inf");
  CHECK(formatMetricValue(-1.0 / 0.0) == "-Inf");
  CHECK(formatMetricValue(0.0 / 0.0) == "NaN");
}

}  // namespace
}  // namespace relay
