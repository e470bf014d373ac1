// Durable rotation (ABI 1.3): after a refresh the host confirms that every value the plugin
// stored is committed before the plugin publishes its new access token. A failed commit is
// retried with backoff; when it still fails the caller hears so (the plugin keeps its old token
// while valid), the failure is logged loudly and counted, and writing goes on being retried in
// the background until the rotated refresh token reaches the disk.
#pragma once

#include <sqlite3.h>
#include <uv.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "core/store/store.h"

namespace relay {

class CredentialCommit {
 public:
  // What is still to be written: one store job rewriting it all, and the generation it covers.
  struct Pending {
    std::function<void(sqlite3*)> write;  // empty when nothing is waiting
    uint64_t generation = 0;
  };
  struct Hooks {
    std::function<Pending()> pending;                    // control loop
    std::function<void(uint64_t generation)> committed;  // the write of `generation` is on disk
  };

  static constexpr int kAttempts = 2;             // before the caller is told it failed
  static constexpr uint64_t kFirstRetryMs = 500;  // doubled after each failure
  static constexpr uint64_t kMaxRetryMs = 60000;  // background retries settle at this interval

  CredentialCommit(std::string account_id, uv_loop_t* loop, store::Store* store, Hooks hooks);
  ~CredentialCommit();
  CredentialCommit(const CredentialCommit&) = delete;
  CredentialCommit& operator=(const CredentialCommit&) = delete;

  // Control loop: commits what is pending and calls done(true) once it is on disk, or
  // done(false) after kAttempts failed tries (background retries go on). A second confirm while
  // one runs is answered with the same outcome.
  void confirm(std::function<void(bool ok)> done);
  // Control loop: stops the retries (shutdown).
  void close();

  uint64_t failures() const { return failures_; }

 private:
  void attempt();
  void onResult(uint64_t generation, bool ok);
  void retryLater(uint64_t delay_ms);
  void finishWaiters(bool ok);
  static void onTimer(uv_timer_t* t);

  std::string account_id_;
  uv_loop_t* loop_;
  store::Store* store_;
  Hooks hooks_;
  std::vector<std::function<void(bool)>> waiters_;
  bool writing_ = false;     // one store job in flight at a time
  int attempts_ = 0;         // of the current confirm
  bool background_ = false;  // the callers gave up; retrying until a write succeeds
  uint64_t next_delay_ms_ = kFirstRetryMs;
  uint64_t attempt_started_ns_ = 0;  // uv_hrtime() when the store write in flight was posted
  uint64_t failures_ = 0;
  uv_timer_t* timer_ = nullptr;
  std::shared_ptr<CredentialCommit*> self_;  // replies after close() find it null
};

}  // namespace relay
