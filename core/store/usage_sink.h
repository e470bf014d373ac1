// Where the workers' usage goes: each worker adds its requests up in a UsageLedger and hands the
// sums over every flush interval (and when it stops); the sink turns each hand-over into one
// store job, written with statements kept open (UsageWriter). Raw per-request rows only when
// usage.request_log is on, deleted after usage.retention_days.
#pragma once

#include <uv.h>

#include <cstdint>
#include <memory>

#include "core/store/usage_ledger.h"
#include "core/store/usage_totals.h"

namespace relay::store {

class Store;
class UsageWriter;

struct UsageOptions {
  bool request_log = false;
  int retention_days = 30;            // raw rows older than this are deleted; 0 keeps them
  uint64_t flush_interval_ms = 1000;  // what kill -9 can lose at most
};

class UsageSink {
 public:
  UsageSink(Store& store, UsageOptions options);
  ~UsageSink();  // close() if not done
  UsageSink(const UsageSink&) = delete;
  UsageSink& operator=(const UsageSink&) = delete;

  const UsageOptions& options() const { return options_; }
  // Any thread: one store job for the batch (nothing when it is empty).
  void submit(UsageBatch batch);
  // Any thread: deletes the raw rows past the retention (a store job).
  void purgeExpired(int64_t now_ms);
  // Releases the writer's statements on the store thread; call before the store closes.
  void close();

 private:
  Store* store_;
  UsageOptions options_;
  std::shared_ptr<UsageWriter> writer_;
};

// A worker's ledger and its flush timer; every call on the worker's loop thread.
class WorkerUsage {
 public:
  // sink may be null (no store): samples are counted nowhere.
  WorkerUsage(uv_loop_t* loop, UsageSink* sink);
  ~WorkerUsage() = default;
  WorkerUsage(const WorkerUsage&) = delete;
  WorkerUsage& operator=(const WorkerUsage&) = delete;

  // Starts the flush timer (on the loop thread, before it runs).
  void start();
  void record(const UsageSample& sample);
  // Hands what is recorded to the sink now.
  void flush();
  // Flushes and closes the timer (before the loop stops).
  void stop();

 private:
  static void onTimer(uv_timer_t* timer);

  uv_loop_t* loop_;
  UsageSink* sink_;
  UsageLedger ledger_;
  uv_timer_t* timer_ = nullptr;  // freed by its close callback
};

}  // namespace relay::store
