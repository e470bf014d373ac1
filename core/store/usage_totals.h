// Usage added up per relay key, account, provider, model and UTC hour: what the workers keep in
// memory and flush to usage_hourly, and the raw rows they keep when usage.request_log is on.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/store/usage_repo.h"

namespace relay::store {

constexpr int64_t kUsageHourMs = 3600 * 1000;

// The start of the UTC hour that holds `ts_ms`.
inline int64_t usageHourOf(int64_t ts_ms) {
  return ts_ms - ((ts_ms % kUsageHourMs) + kUsageHourMs) % kUsageHourMs;
}

struct UsageTotals {
  int64_t requests = 0;
  int64_t errors = 0;  // answered with a status >= 400, or not answered at all
  int64_t input_tokens = 0;
  int64_t output_tokens = 0;
  int64_t cache_creation_tokens = 0;
  int64_t cache_read_tokens = 0;
  int64_t duration_ms = 0;  // summed

  void add(const UsageTotals& other);
  bool operator==(const UsageTotals&) const = default;
};

struct UsageBucket {
  int64_t hour = 0;  // Unix ms at the start of the UTC hour
  std::string key_id;
  std::string account_id;
  std::string provider;
  std::string model;
  UsageTotals totals;

  bool operator==(const UsageBucket&) const = default;
};

// What one flush writes: the hour sums, and the raw rows when usage.request_log is on.
struct UsageBatch {
  std::vector<UsageBucket> buckets;
  std::vector<UsageRecord> records;
  bool empty() const { return buckets.empty() && records.empty(); }
};

}  // namespace relay::store
