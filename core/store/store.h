// The state store: one SQLite connection owned by a store thread. Event loops never touch
// SQLite; they post jobs, and the thread runs everything queued in ONE transaction per batch.
#pragma once

#include <sqlite3.h>
#include <uv.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#include "core/store/database_open.h"
#include "core/store/loop_mailbox.h"
#include "core/store/migration_runner.h"
#include "core/store/store_error.h"

namespace relay::store {

struct StoreOptions {
  std::string path;  // server.database_path; parent directories are created
  int busy_timeout_ms = 5000;
  // Called on the store thread when a job or a batch fails (no secrets in the text).
  std::function<void(const std::string& message)> on_error;
};

struct StoreStats {
  uint64_t jobs_run = 0;
  uint64_t jobs_failed = 0;
  uint64_t batches_committed = 0;
  uint64_t batches_failed = 0;
};

class Store {
 public:
  // Opens the database, applies the migrations, starts the store thread. Throws StoreError.
  static std::unique_ptr<Store> open(const StoreOptions& options);
  static std::unique_ptr<Store> open(const StoreOptions& options, const MigrationRunner& runner);
  // Commits everything queued, stops the thread, closes the database. Detach loops first.
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // Any thread. Each job runs inside a savepoint: a job that throws is undone alone.
  // busy_timeout_ms: how long the job may wait while another process holds the write lock (0:
  // the store's busy_timeout_ms). A job whose wait runs out fails alone ("database is locked");
  // the rest of its batch waits on.
  void post(std::function<void(sqlite3*)> job, int busy_timeout_ms = 0);

  // Call on the thread running `loop`. The job runs on the store thread; once its batch is
  // committed, `callback` runs on the loop's thread with std::optional<R> (nullopt when the
  // job threw or the commit failed), or with bool `committed` when the job returns void.
  template <typename Job, typename Callback>
  void postWithReply(Job job, uv_loop_t* loop, Callback callback, int busy_timeout_ms = 0);

  // Blocking: runs `job` on the store thread after everything queued before it and returns its
  // result once committed; rethrows what the job threw. For start-up and tests, never from a loop
  // serving traffic, never from inside a job.
  template <typename Job>
  std::invoke_result_t<Job&, sqlite3*> query(Job job);

  // Blocks until everything posted before it is committed (shutdown, tests).
  void flush();

  // Loop thread, before that loop closes: releases its reply handle.
  void detachLoop(uv_loop_t* loop);

  StoreStats stats() const;
  const std::string& path() const { return path_; }
  const MigrationReport& migrationReport() const { return report_; }

 private:
  using Clock = std::chrono::steady_clock;
  struct Job {
    std::function<void(sqlite3*)> run;  // empty for a flush marker
    std::function<void(bool ok)> done;  // after the batch's commit, on the store thread
    int busy_timeout_ms = 0;            // 0: the store's
    Clock::time_point lock_deadline{};  // set when its batch starts waiting for the write lock
  };

  Store(OpenedDatabase opened, const StoreOptions& options);
  void enqueue(Job job);
  void threadMain();
  void runBatch(std::vector<Job>& batch);
  bool beginBatch(std::vector<Job>& batch);
  void adoptQueued(std::vector<Job>& batch, Clock::time_point now);
  void setLockDeadline(Job& job, Clock::time_point now) const;
  static int onBusy(void* store, int count);
  bool runJob(Job& job);
  void reportError(const std::string& message);
  void requireNotStoreThread(const char* what) const;
  std::shared_ptr<LoopMailbox> mailboxFor(uv_loop_t* loop);

  SqliteHandle db_;
  std::string path_;
  MigrationReport report_;
  std::function<void(const std::string&)> on_error_;
  int busy_timeout_ms_;
  // Store thread: the batch waiting for the write lock (jobs posted meanwhile join it), and when
  // the current lock wait outside that began.
  std::vector<Job>* waiting_batch_ = nullptr;
  Clock::time_point busy_since_{};

  std::mutex queue_mutex_;
  std::condition_variable queue_ready_;
  std::vector<Job> queue_;
  bool stopping_ = false;

  std::mutex mailbox_mutex_;
  std::map<uv_loop_t*, std::shared_ptr<LoopMailbox>> mailboxes_;

  std::atomic<uint64_t> jobs_run_{0}, jobs_failed_{0}, batches_committed_{0}, batches_failed_{0};
  std::thread thread_;  // last: started once everything above exists
};

template <typename JobFn, typename Callback>
void Store::postWithReply(JobFn job, uv_loop_t* loop, Callback callback, int busy_timeout_ms) {
  using R = std::invoke_result_t<JobFn&, sqlite3*>;
  auto mailbox = mailboxFor(loop);
  mailbox->expect();
  if constexpr (std::is_void_v<R>) {
    enqueue({[job](sqlite3* db) mutable { job(db); },
             [mailbox, callback](bool ok) {
               mailbox->push([callback, ok]() mutable { callback(ok); });
             },
             busy_timeout_ms});
  } else {
    auto result = std::make_shared<std::optional<R>>();
    enqueue({[job, result](sqlite3* db) mutable { *result = job(db); },
             [mailbox, callback, result](bool ok) {
               if (!ok) result->reset();
               mailbox->push([callback, result]() mutable { callback(std::move(*result)); });
             },
             busy_timeout_ms});
  }
}

template <typename JobFn>
std::invoke_result_t<JobFn&, sqlite3*> Store::query(JobFn job) {
  using R = std::invoke_result_t<JobFn&, sqlite3*>;
  requireNotStoreThread("Store::query");
  // Handed over under a mutex and moved out by the caller, so the result and any exception
  // are released on the caller's thread.
  struct State {
    std::mutex mutex;
    std::condition_variable ready;
    bool finished = false;
    bool committed = false;
    std::conditional_t<std::is_void_v<R>, bool, std::optional<R>> value{};
    std::exception_ptr error;
  };
  auto state = std::make_shared<State>();
  auto run = [job, state](sqlite3* db) mutable {
    try {
      if constexpr (std::is_void_v<R>) {
        job(db);
      } else {
        auto value = job(db);
        std::lock_guard lock(state->mutex);
        state->value = std::move(value);
      }
    } catch (...) {
      std::lock_guard lock(state->mutex);
      state->error = std::current_exception();
      throw;  // so the job's savepoint is rolled back
    }
  };
  auto done = [state](bool ok) {
    std::lock_guard lock(state->mutex);
    state->finished = true;
    state->committed = ok;
    state->ready.notify_one();
  };
  enqueue({run, done});
  std::unique_lock lock(state->mutex);
  state->ready.wait(lock, [&] { return state->finished; });
  if (std::exception_ptr error = std::exchange(state->error, nullptr)) {
    std::rethrow_exception(error);
  }
  if (!state->committed) throw StoreError("the store could not commit the query's batch");
  if constexpr (!std::is_void_v<R>) return std::move(*state->value);
}

}  // namespace relay::store
