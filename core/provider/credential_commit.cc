#include "core/provider/credential_commit.h"

#include <algorithm>

#include "core/obs/log.h"
#include "core/obs/metrics.h"
#include "core/store/credential_repo.h"

namespace relay {

namespace {

CounterFamily& commitFailures() {
  static CounterFamily& family = defaultMetricsRegistry().counter(
      "relay_credential_commit_failures_total",
      "Rotated credentials the store could not commit after the host's retries (the account "
      "keeps its old access token while valid; writing is retried in the background).",
      {"account"});
  return family;
}

}  // namespace

CredentialCommit::CredentialCommit(std::string account_id, uv_loop_t* loop, store::Store* store,
                                   Hooks hooks)
    : account_id_(std::move(account_id)),
      loop_(loop),
      store_(store),
      hooks_(std::move(hooks)),
      self_(std::make_shared<CredentialCommit*>(this)) {
  commitFailures();  // the family shows in /metrics before the first failure
}

CredentialCommit::~CredentialCommit() {
  close();
}

void CredentialCommit::close() {
  *self_ = nullptr;
  if (timer_) {
    uv_close(reinterpret_cast<uv_handle_t*>(timer_),
             [](uv_handle_t* h) { delete reinterpret_cast<uv_timer_t*>(h); });
    timer_ = nullptr;
  }
  waiters_.clear();
}

void CredentialCommit::confirm(std::function<void(bool ok)> done) {
  waiters_.push_back(std::move(done));
  if (!store_) return finishWaiters(true);
  if (waiters_.size() > 1) return;  // joins the confirmation under way
  attempts_ = 0;                    // a background write in flight counts as the first try
  next_delay_ms_ = kFirstRetryMs;
  if (writing_) return;
  if (timer_) uv_timer_stop(timer_);  // a background retry becomes this attempt
  attempt();
}

void CredentialCommit::attempt() {
  Pending pending = hooks_.pending();
  if (!pending.write) {
    // Nothing unconfirmed: a barrier still orders this after every write queued before it.
    pending.write = [](sqlite3*) {};
  }
  writing_ = true;
  attempt_started_ns_ = uv_hrtime();
  std::weak_ptr<CredentialCommit*> self = self_;
  uint64_t generation = pending.generation;
  store_->postWithReply(
      std::move(pending.write), loop_,
      [self, generation](bool ok) {
        auto alive = self.lock();
        if (alive && *alive) (*alive)->onResult(generation, ok);
      },
      store::kCredentialBusyTimeoutMs);
}

void CredentialCommit::onResult(uint64_t generation, bool ok) {
  writing_ = false;
  if (ok) {
    if (hooks_.committed) hooks_.committed(generation);
    // Values stored after that write's snapshot (e.g. while a background retry ran) must be
    // confirmed too before a waiter hears "committed".
    if (!waiters_.empty() && hooks_.pending().write) return attempt();
    if (background_)
      logf(LogLevel::kWarn, "accounts",
           "account %s: the rotated credentials are on disk now (after %llu failed commits)",
           account_id_.c_str(), static_cast<unsigned long long>(failures_));
    background_ = false;
    next_delay_ms_ = kFirstRetryMs;
    finishWaiters(true);
    return;
  }
  ++attempts_;
  // How long the store tried: a lock held elsewhere ends a try after kCredentialBusyTimeoutMs.
  auto took_ms = static_cast<unsigned long long>((uv_hrtime() - attempt_started_ns_) / 1000000);
  if (!waiters_.empty() && attempts_ < kAttempts) {
    logf(LogLevel::kWarn, "accounts",
         "account %s: committing the rotated credentials failed after %llu ms (attempt %d of "
         "%d); retrying",
         account_id_.c_str(), took_ms, attempts_, kAttempts);
    return retryLater(next_delay_ms_);
  }
  if (!waiters_.empty()) {
    ++failures_;
    commitFailures().with({account_id_}).inc();
    logf(LogLevel::kError, "accounts",
         "account %s: the rotated credentials could not be written to the database after %d "
         "attempts (the last failed after %llu ms); the account goes on with them in memory and "
         "the store is retried in the background — a restart before that succeeds loses the "
         "rotated refresh token",
         account_id_.c_str(), attempts_, took_ms);
    background_ = true;
    finishWaiters(false);
  }
  retryLater(next_delay_ms_);
}

void CredentialCommit::retryLater(uint64_t delay_ms) {
  next_delay_ms_ = std::min(delay_ms * 2, kMaxRetryMs);
  if (!timer_) {
    timer_ = new uv_timer_t;
    uv_timer_init(loop_, timer_);
    timer_->data = this;
    uv_unref(reinterpret_cast<uv_handle_t*>(timer_));  // never holds the loop open
  }
  uv_timer_start(timer_, &CredentialCommit::onTimer, delay_ms, 0);
}

void CredentialCommit::onTimer(uv_timer_t* t) {
  auto* self = static_cast<CredentialCommit*>(t->data);
  if (!self->writing_) self->attempt();
}

void CredentialCommit::finishWaiters(bool ok) {
  auto waiters = std::move(waiters_);
  waiters_.clear();
  for (auto& w : waiters) w(ok);
}

}  // namespace relay
