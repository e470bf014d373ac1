#include "core/store/store.h"

#include <algorithm>
#include <future>
#include <iterator>

#include "core/store/sqlite_statement.h"

namespace relay::store {

std::unique_ptr<Store> Store::open(const StoreOptions& options) {
  return open(options, MigrationRunner::embedded());
}

std::unique_ptr<Store> Store::open(const StoreOptions& options, const MigrationRunner& runner) {
  OpenedDatabase opened = openDatabase(options.path, runner, options.busy_timeout_ms);
  return std::unique_ptr<Store>(new Store(std::move(opened), options));
}

Store::Store(OpenedDatabase opened, const StoreOptions& options)
    : db_(std::move(opened.db)),
      path_(options.path),
      report_(std::move(opened.migrations)),
      on_error_(options.on_error),
      busy_timeout_ms_(options.busy_timeout_ms),
      thread_([this] { threadMain(); }) {
  // Replaces the plain busy timeout: a lock wait ends by each job's own timeout. No job can be
  // queued yet, so the thread sees the handler before its first batch.
  sqlite3_busy_handler(db_.get(), &Store::onBusy, this);
}

Store::~Store() {
  {
    std::lock_guard lock(queue_mutex_);
    stopping_ = true;
  }
  queue_ready_.notify_one();
  thread_.join();
}

void Store::post(std::function<void(sqlite3*)> job, int busy_timeout_ms) {
  enqueue({std::move(job), nullptr, busy_timeout_ms});
}

void Store::flush() {
  requireNotStoreThread("Store::flush");
  auto committed = std::make_shared<std::promise<void>>();
  auto future = committed->get_future();
  enqueue({nullptr, [committed](bool) { committed->set_value(); }});
  future.get();
}

void Store::detachLoop(uv_loop_t* loop) {
  std::shared_ptr<LoopMailbox> mailbox;
  {
    std::lock_guard lock(mailbox_mutex_);
    auto it = mailboxes_.find(loop);
    if (it == mailboxes_.end()) return;
    mailbox = std::move(it->second);
    mailboxes_.erase(it);
  }
  mailbox->close();
}

StoreStats Store::stats() const {
  return {jobs_run_.load(), jobs_failed_.load(), batches_committed_.load(), batches_failed_.load()};
}

void Store::enqueue(Job job) {
  {
    std::lock_guard lock(queue_mutex_);
    queue_.push_back(std::move(job));
  }
  queue_ready_.notify_one();
}

std::shared_ptr<LoopMailbox> Store::mailboxFor(uv_loop_t* loop) {
  std::lock_guard lock(mailbox_mutex_);
  auto& mailbox = mailboxes_[loop];
  if (!mailbox) mailbox = LoopMailbox::open(loop);  // we are on the loop's thread
  return mailbox;
}

void Store::requireNotStoreThread(const char* what) const {
  if (std::this_thread::get_id() == thread_.get_id()) {
    throw StoreError(std::string(what) + " called from inside a store job would deadlock");
  }
}

void Store::reportError(const std::string& message) {
  if (on_error_) on_error_(message);
}

void Store::threadMain() {
  for (;;) {
    std::vector<Job> batch;
    {
      std::unique_lock lock(queue_mutex_);
      queue_ready_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and everything has been committed
      batch.swap(queue_);
    }
    runBatch(batch);
  }
}

bool Store::runJob(Job& job) {
  if (!job.run) return true;
  std::string failure;
  try {
    execSql(db_.get(), "SAVEPOINT store_job");
    try {
      job.run(db_.get());
      execSql(db_.get(), "RELEASE store_job");
      ++jobs_run_;
      return true;
    } catch (const std::exception& error) {
      failure = error.what();
    } catch (...) {
      failure = "unknown exception";
    }
    execSql(db_.get(), "ROLLBACK TO store_job");
    execSql(db_.get(), "RELEASE store_job");
  } catch (const StoreError& error) {
    failure += (failure.empty() ? "" : "; ") + std::string(error.what());
  }
  ++jobs_failed_;
  reportError("store job failed on " + path_ + ": " + failure);
  return false;
}

void Store::setLockDeadline(Job& job, Clock::time_point now) const {
  int ms = job.busy_timeout_ms > 0 ? job.busy_timeout_ms : busy_timeout_ms_;
  job.lock_deadline = now + std::chrono::milliseconds(ms);
}

void Store::adoptQueued(std::vector<Job>& batch, Clock::time_point now) {
  std::vector<Job> arrived;
  {
    std::lock_guard lock(queue_mutex_);
    arrived.swap(queue_);
  }
  for (Job& job : arrived) {
    setLockDeadline(job, now);
    batch.push_back(std::move(job));
  }
}

int Store::onBusy(void* store, int count) {
  auto* self = static_cast<Store*>(store);
  Clock::time_point now = Clock::now();
  Clock::time_point deadline = Clock::time_point::max();
  if (self->waiting_batch_) {
    // Jobs posted during the wait join it, so a short-timeout job is not stuck behind it.
    self->adoptQueued(*self->waiting_batch_, now);
    for (const Job& job : *self->waiting_batch_) deadline = std::min(deadline, job.lock_deadline);
  } else {
    if (count == 0) self->busy_since_ = now;
    deadline = self->busy_since_ + std::chrono::milliseconds(self->busy_timeout_ms_);
  }
  if (now >= deadline) return 0;
  // SQLite's own busy-timeout steps.
  static constexpr int kDelaysMs[] = {1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50, 100};
  size_t step = std::min<size_t>(static_cast<size_t>(count), std::size(kDelaysMs) - 1);
  Clock::duration delay = std::chrono::milliseconds(kDelaysMs[step]);
  std::this_thread::sleep_for(std::min(delay, deadline - now));
  return 1;
}

bool Store::beginBatch(std::vector<Job>& batch) {
  Clock::time_point now = Clock::now();
  for (Job& job : batch) setLockDeadline(job, now);
  waiting_batch_ = &batch;
  for (;;) {
    int rc = sqlite3_exec(db_.get(), "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
    if (rc == SQLITE_OK) break;
    std::string why = sqlite3_errmsg(db_.get());
    if ((rc & 0xff) != SQLITE_BUSY) {
      waiting_batch_ = nullptr;
      throw StoreError(why);
    }
    // The jobs whose wait ran out fail alone; the others wait on.
    now = Clock::now();
    auto waiting = std::stable_partition(batch.begin(), batch.end(),
                                         [now](const Job& job) { return job.lock_deadline > now; });
    if (waiting == batch.end()) waiting = batch.begin();  // busy without a wait: all give up
    std::vector<Job> gave_up(std::make_move_iterator(waiting),
                             std::make_move_iterator(batch.end()));
    batch.erase(waiting, batch.end());
    ++batches_failed_;
    reportError("store batch of " + std::to_string(gave_up.size()) + " jobs failed on " + path_ +
                ": " + why);
    for (Job& job : gave_up) {
      if (job.done) job.done(false);
    }
    if (batch.empty()) break;
  }
  waiting_batch_ = nullptr;
  return !batch.empty();
}

void Store::runBatch(std::vector<Job>& batch) {
  std::vector<char> ok;
  bool committed = false;
  try {
    if (!beginBatch(batch)) return;  // every job gave up waiting for the write lock
    ok.assign(batch.size(), 0);      // the batch may have grown while it waited
    for (size_t i = 0; i < batch.size(); ++i) ok[i] = runJob(batch[i]);
    execSql(db_.get(), "COMMIT");
    committed = true;
    ++batches_committed_;
  } catch (const StoreError& error) {
    if (!sqlite3_get_autocommit(db_.get())) {
      sqlite3_exec(db_.get(), "ROLLBACK", nullptr, nullptr, nullptr);
    }
    ++batches_failed_;
    reportError("store batch of " + std::to_string(batch.size()) + " jobs failed on " + path_ +
                ": " + error.what());
  }
  for (size_t i = 0; i < batch.size(); ++i) {
    if (batch[i].done) batch[i].done(committed && ok[i]);
  }
}

}  // namespace relay::store
