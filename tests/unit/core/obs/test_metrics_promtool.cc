#include <doctest/doctest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/obs/metrics.h"
#include "core/obs/relay_metrics.h"

namespace relay {
namespace {

std::string readFile(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream content;
  content << in.rdbuf();
  return content.str();
}

// Runs `promtool check metrics` on `text`; the exit status, with its output in *report.
int promtoolCheck(const std::string& text, std::string* report) {
  auto dir = std::filesystem::temp_directory_path();
  std::string stem = "relay_obs_metrics_" + std::to_string(getpid());
  auto input = dir / (stem + ".prom");
  auto output = dir / (stem + ".out");
  std::ofstream(input) << text;
  std::string command =
      "promtool check metrics < '" + input.string() + "' > '" + output.string() + "' 2>&1";
  int status = std::system(command.c_str());
  *report = readFile(output);
  std::filesystem::remove(input);
  std::filesystem::remove(output);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST_CASE("promtool is installed (package prometheus)") {
  REQUIRE_MESSAGE(std::system("command -v promtool > /dev/null 2>&1") == 0,
                  "promtool not found: apt-get install prometheus");
}

TEST_CASE("the relay's metrics pass promtool check metrics") {
  MetricsRegistry registry;
  RelayMetrics metrics(registry, "0.1.0-test");
  metrics.requestFinished("claude", "POST", 200, 0.0042, 1234);
  metrics.requestFinished("claude", "POST", 529, 31.5, 80);
  metrics.requestFinished("gemini \"beta\"\n", "GET", 404, 0.0001, 0);
  metrics.connectionOpened();
  metrics.streamOpened();
  metrics.upstreamResponse("claude", "claude-1", 200);
  metrics.upstreamError("claude", "claude-1", "timeout");
  metrics.failover("claude");
  registry.histogram("relay_test_empty_seconds", "A family with labels and no series.", {"x"}, {1});
  registry.addCollector([](MetricsWriter& w) {
    w.header("relay_account_state", "Accounts by state.", MetricType::kGauge);
    w.sample("relay_account_state", {{"account", "claude-1"}, {"state", "ready"}}, 1);
    w.sample("relay_account_state", {{"account", "claude-2"}, {"state", "cooling\\down"}}, 0);
  });
  std::string text = registry.render();
  std::string report;
  int status = promtoolCheck(text, &report);
  INFO("promtool said:\n", report, "\nfor:\n", text);
  CHECK(status == 0);
}

TEST_CASE("promtool rejects a broken exposition, so the check above means something") {
  std::string report;
  CHECK(promtoolCheck("# TYPE requests counter\nrequests{a=\"1} 1\n", &report) != 0);
}

}  // namespace
}  // namespace relay
