// Prometheus view of the pool: one state gauge set per account, its cooldown end, and its
// outlier-detection counters.
#pragma once

#include "core/obs/metrics.h"

namespace relay {

class AccountPool;

// Adds a collector that renders, at each scrape:
//   relay_account_state{account,provider,state}       1 for the current state, 0 for the others
//   relay_account_cooldown_until_seconds{account}     Unix seconds, 0 when not cooling down
//   relay_account_{ejections,panic_requests,probes}_total{account}   since start-up
//   relay_account_consecutive_failures{account}, relay_account_ejection_level{account}
// The pool must outlive `registry`'s renders.
void registerAccountMetrics(AccountPool& pool, MetricsRegistry& registry);
void registerAccountMetrics(AccountPool& pool);  // the process-wide registry

// The collector's text for `pool` at `now_ms`; what registerAccountMetrics adds.
void writeAccountMetrics(const AccountPool& pool, int64_t now_ms, MetricsWriter& writer);

}  // namespace relay
