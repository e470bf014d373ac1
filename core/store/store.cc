#include "core/store/store.h"

#include <future>

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
      thread_([this] { threadMain(); }) {}

Store::~Store() {
  {
    std::lock_guard lock(queue_mutex_);
    stopping_ = true;
  }
  queue_ready_.notify_one();
  thread_.join();
}

void Store::post(std::function<void(sqlite3*)> job) {
  enqueue({std::move(job), nullptr});
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

void Store::runBatch(std::vector<Job>& batch) {
  std::vector<char> ok(batch.size(), 0);
  bool committed = false;
  try {
    execSql(db_.get(), "BEGIN IMMEDIATE");
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
