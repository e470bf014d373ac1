#include "core/store/usage_sink.h"

#include "core/store/store.h"
#include "core/store/usage_writer.h"

namespace relay::store {

UsageSink::UsageSink(Store& store, UsageOptions options)
    : store_(&store), options_(options), writer_(std::make_shared<UsageWriter>()) {}

UsageSink::~UsageSink() {
  close();
}

void UsageSink::submit(UsageBatch batch) {
  if (batch.empty() || !writer_) return;
  auto shared = std::make_shared<UsageBatch>(std::move(batch));
  store_->post([writer = writer_, shared](sqlite3* db) { writer->write(db, *shared); });
}

void UsageSink::purgeExpired(int64_t now_ms) {
  if (options_.retention_days <= 0 || !writer_) return;
  int64_t before = now_ms - static_cast<int64_t>(options_.retention_days) * 24 * kUsageHourMs;
  store_->post([writer = writer_, before](sqlite3* db) { writer->purgeRecordsBefore(db, before); });
}

void UsageSink::close() {
  if (!writer_) return;
  store_->post([writer = std::move(writer_)](sqlite3*) { writer->close(); });
  writer_.reset();
}

WorkerUsage::WorkerUsage(uv_loop_t* loop, UsageSink* sink)
    : loop_(loop), sink_(sink), ledger_(sink != nullptr && sink->options().request_log) {}

void WorkerUsage::start() {
  if (sink_ == nullptr || timer_ != nullptr) return;
  timer_ = new uv_timer_t;
  uv_timer_init(loop_, timer_);
  timer_->data = this;
  uint64_t every = sink_->options().flush_interval_ms;
  uv_timer_start(timer_, &WorkerUsage::onTimer, every, every);
}

void WorkerUsage::record(const UsageSample& sample) {
  if (sink_ != nullptr) ledger_.record(sample);
}

void WorkerUsage::flush() {
  if (sink_ != nullptr && !ledger_.empty()) sink_->submit(ledger_.take());
}

void WorkerUsage::stop() {
  flush();
  if (timer_ == nullptr) return;
  timer_->data = nullptr;
  uv_close(reinterpret_cast<uv_handle_t*>(timer_),
           [](uv_handle_t* h) { delete reinterpret_cast<uv_timer_t*>(h); });
  timer_ = nullptr;
}

void WorkerUsage::onTimer(uv_timer_t* timer) {
  if (auto* self = static_cast<WorkerUsage*>(timer->data)) self->flush();
}

}  // namespace relay::store
