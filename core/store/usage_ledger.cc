#include "core/store/usage_ledger.h"

#include <cstring>

namespace relay::store {

namespace {

void appendName(std::string& key, std::string_view name) {
  key.append(name);
  key.push_back('\0');
}

}  // namespace

void UsageLedger::record(const UsageSample& s) {
  int64_t hour = usageHourOf(s.ts);
  UsageBucket* bucket = last_;
  if (bucket == nullptr || bucket->hour != hour || bucket->account_id != s.account_id ||
      bucket->model != s.model || bucket->key_id != s.key_id || bucket->provider != s.provider) {
    key_.clear();
    key_.append(reinterpret_cast<const char*>(&hour), sizeof hour);
    appendName(key_, s.key_id);
    appendName(key_, s.account_id);
    appendName(key_, s.provider);
    appendName(key_, s.model);
    auto it = buckets_.find(key_);
    if (it == buckets_.end()) {
      UsageBucket b;
      b.hour = hour;
      b.key_id = s.key_id;
      b.account_id = s.account_id;
      b.provider = s.provider;
      b.model = s.model;
      it = buckets_.emplace(key_, std::move(b)).first;
    }
    bucket = last_ = &it->second;
  }
  UsageTotals& t = bucket->totals;
  t.requests += 1;
  if (s.status == 0 || s.status >= 400) t.errors += 1;
  t.input_tokens += s.input_tokens;
  t.output_tokens += s.output_tokens;
  t.cache_creation_tokens += s.cache_creation_tokens;
  t.cache_read_tokens += s.cache_read_tokens;
  t.duration_ms += s.duration_ms;
  if (!request_log_) return;
  UsageRecord r;
  r.ts = s.ts;
  r.key_id = s.key_id;
  r.account_id = s.account_id;
  r.provider = s.provider;
  r.model = s.model;
  r.input_tokens = s.input_tokens;
  r.output_tokens = s.output_tokens;
  r.cache_creation_tokens = s.cache_creation_tokens;
  r.cache_read_tokens = s.cache_read_tokens;
  r.status = s.status;
  r.duration_ms = s.duration_ms;
  records_.push_back(std::move(r));
}

UsageBatch UsageLedger::take() {
  UsageBatch batch;
  batch.buckets.reserve(buckets_.size());
  for (auto& [key, bucket] : buckets_) batch.buckets.push_back(std::move(bucket));
  buckets_.clear();
  last_ = nullptr;
  batch.records.swap(records_);
  return batch;
}

}  // namespace relay::store
