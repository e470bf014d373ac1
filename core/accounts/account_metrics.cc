#include "core/accounts/account_metrics.h"

#include "core/accounts/account_pool.h"

namespace relay {

namespace {

// Outlier detection (PROTOCOLS.md B): ejections, panic-mode requests and probes since start-up,
// and the transient failures in a row and ejection level now.
void writeOutlierMetrics(const std::vector<AccountSnapshot>& accounts, MetricsWriter& writer) {
  struct Counter {
    const char* name;
    const char* help;
    uint64_t AccountHealth::*field;
  };
  const Counter counters[] = {
      {"relay_account_ejections_total",
       "Times the account was ejected after transient failures in a row.",
       &AccountHealth::ejections},
      {"relay_account_panic_requests_total",
       "Requests served in panic mode (every candidate cooling down) by probing this account.",
       &AccountHealth::panic_requests},
      {"relay_account_probes_total", "Probes of this account while it was cooling down.",
       &AccountHealth::probes},
  };
  for (const Counter& c : counters) {
    writer.header(c.name, c.help, MetricType::kCounter);
    for (const AccountSnapshot& account : accounts)
      writer.sample(c.name, {{"account", account.id}},
                    static_cast<double>(account.health.*c.field));
  }
  writer.header("relay_account_consecutive_failures",
                "Transient failures in a row; a success resets it.", MetricType::kGauge);
  for (const AccountSnapshot& account : accounts)
    writer.sample("relay_account_consecutive_failures", {{"account", account.id}},
                  static_cast<double>(account.health.consecutive_failures));
  writer.header("relay_account_ejection_level",
                "Ejections in a row (the next lasts base << level); a success resets it.",
                MetricType::kGauge);
  for (const AccountSnapshot& account : accounts)
    writer.sample("relay_account_ejection_level", {{"account", account.id}},
                  static_cast<double>(account.health.ejection_level));
}

}  // namespace

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
  writeOutlierMetrics(accounts, writer);
}

void registerAccountMetrics(AccountPool& pool, MetricsRegistry& registry) {
  registry.addCollector(
      [&pool](MetricsWriter& writer) { writeAccountMetrics(pool, pool.nowMs(), writer); });
}

void registerAccountMetrics(AccountPool& pool) {
  registerAccountMetrics(pool, defaultMetricsRegistry());
}

}  // namespace relay
