#include <doctest/doctest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/accounts/account_metrics.h"
#include "core/accounts/account_pool.h"
#include "pool_test_support.h"

namespace relay {
namespace {

using test::account;

constexpr int64_t kNow = 1'700'000'000'000;

// `promtool check metrics` on `text`: its exit status, its output in *report.
int promtoolCheck(const std::string& text, std::string* report) {
  test::TempDir dir;
  std::string input = dir.file("metrics.prom");
  std::string output = dir.file("promtool.out");
  std::ofstream(input) << text;
  std::string command = "promtool check metrics < '" + input + "' > '" + output + "' 2>&1";
  int status = std::system(command.c_str());
  std::ifstream in(output);
  std::stringstream content;
  content << in.rdbuf();
  *report = content.str();
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST_CASE("account metrics: one state gauge per account and state, and the cooldown end") {
  int64_t clock = kNow;
  AccountPool pool({account("c1"), account("c2"), account("g\"1", "gemini")}, test::providerOf,
                   nullptr, [&clock] { return clock; });
  pool.cooldown(*pool.find("c2"), kNow + 90'000, "529");
  MetricsRegistry registry;
  registerAccountMetrics(pool, registry);
  std::string text = registry.render();
  INFO(text);
  CHECK(text.find("relay_account_state{account=\"c1\",provider=\"claude\",state=\"active\"} 1") !=
        std::string::npos);
  CHECK(text.find("relay_account_state{account=\"c1\",provider=\"claude\",state=\"cooldown\"} 0") !=
        std::string::npos);
  CHECK(text.find("relay_account_state{account=\"c2\",provider=\"claude\",state=\"cooldown\"} 1") !=
        std::string::npos);
  CHECK(text.find("relay_account_cooldown_until_seconds{account=\"c2\"} 1700000090") !=
        std::string::npos);
  CHECK(text.find("relay_account_cooldown_until_seconds{account=\"c1\"} 0") != std::string::npos);

  clock = kNow + 90'000;  // the collector reads the pool's clock at each render
  std::string later = registry.render();
  CHECK(later.find("relay_account_state{account=\"c2\",provider=\"claude\",state=\"active\"} 1") !=
        std::string::npos);
}

TEST_CASE("account metrics pass promtool check metrics") {
  REQUIRE_MESSAGE(std::system("command -v promtool > /dev/null 2>&1") == 0,
                  "promtool not found: apt-get install prometheus");
  AccountPool pool(
      {account("c1"), account("c2", "claude-api", 10, false), account("g\\\"1\n", "gemini")},
      test::providerOf);
  pool.cooldown(*pool.find("c1"), kNow + 90'000, "529");
  pool.limitFamily(*pool.find("g\\\"1\n"), "opus", kNow + 1);
  MetricsRegistry registry;
  registry.counter("relay_other_total", "Another family before the collector.").with({}).inc();
  registerAccountMetrics(pool, registry);
  std::string text = registry.render();
  std::string report;
  int status = promtoolCheck(text, &report);
  INFO("promtool said:\n", report, "\nfor:\n", text);
  CHECK(status == 0);
}

}  // namespace
}  // namespace relay
