// One worker's usage since its last flush, added up in memory per relay key, account, provider,
// model and UTC hour. Used only on the worker's loop thread, so recording takes no lock and,
// once a bucket exists, allocates nothing.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/store/usage_totals.h"

namespace relay::store {

// One finished request as the ledger sees it (borrowed for the call).
struct UsageSample {
  int64_t ts = 0;  // Unix ms when the request finished
  std::string_view key_id;
  std::string_view account_id;
  std::string_view provider;
  std::string_view model;
  int64_t input_tokens = 0;
  int64_t output_tokens = 0;
  int64_t cache_creation_tokens = 0;
  int64_t cache_read_tokens = 0;
  int status = 0;  // HTTP status sent to the client; 0 or 499 when none was
  int64_t duration_ms = 0;
};

class UsageLedger {
 public:
  // request_log: also keep each sample as a raw row (usage.request_log).
  explicit UsageLedger(bool request_log) : request_log_(request_log) {}

  void record(const UsageSample& sample);
  // Hands over everything recorded since the last take and starts empty.
  UsageBatch take();
  bool empty() const { return buckets_.empty() && records_.empty(); }
  size_t bucketCount() const { return buckets_.size(); }

 private:
  bool request_log_;
  std::string key_;  // reused to build the lookup key
  // key_ -> sums; the key encodes hour and the four names, each followed by '\0'.
  std::unordered_map<std::string, UsageBucket> buckets_;
  // The bucket the last sample went to (most samples repeat its names and hour): compared field
  // by field instead of building and hashing the key. Nodes never move; take() resets it.
  UsageBucket* last_ = nullptr;
  std::vector<UsageRecord> records_;
};

}  // namespace relay::store
