#include "core/accounts/account_metrics.h"

#include "core/accounts/account_pool.h"

namespace relay {

void writeAccountMetrics(const AccountPool& pool, int64_t now_ms, MetricsWriter& writer) {
  std::vector<AccountSnapshot> accounts = pool.snapshot(now_ms);
  writer.header("relay_account_state",
                "Account state: 1 for the state the account is in, 0 for the others.",
                MetricType::kGauge);
  for (const AccountSnapshot& account : accounts) {
    for (AccountState state : kAllAccountStates) {
      MetricLabels labels{{"account", account.id},
                          {"provider", account.provider},
                          {"state", accountStateName(state)}};
      writer.sample("relay_account_state", labels, account.state == state ? 1 : 0);
    }
  }
  writer.header("relay_account_cooldown_until_seconds",
                "When the account's cooldown ends, Unix seconds; 0 when it is not cooling down.",
                MetricType::kGauge);
  for (const AccountSnapshot& account : accounts) {
    int64_t until = account.health.cooldown_until;
    double seconds = until > now_ms ? static_cast<double>(until) / 1000.0 : 0.0;
    writer.sample("relay_account_cooldown_until_seconds", {{"account", account.id}}, seconds);
  }
}

void registerAccountMetrics(AccountPool& pool, MetricsRegistry& registry) {
  registry.addCollector(
      [&pool](MetricsWriter& writer) { writeAccountMetrics(pool, pool.nowMs(), writer); });
}

void registerAccountMetrics(AccountPool& pool) {
  registerAccountMetrics(pool, defaultMetricsRegistry());
}

}  // namespace relay
