// One configured account in the pool. Identity is fixed at construction; health is guarded by
// the account's own mutex, so request threads never contend on a pool-wide lock. What a request
// asks on its common path (may it be picked, is a success news) is also published in atomics,
// rewritten with the mutex held after every change, so that path takes no lock at all.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>

#include "core/accounts/account_state.h"
#include "core/config/config.h"

namespace relay {

// A consistent copy of one account, for /health, metrics and the CLI.
struct AccountSnapshot {
  std::string id;
  std::string name;
  std::string type;
  std::string provider;
  int priority = 0;
  AccountState state = AccountState::kActive;
  AccountHealth health;  // family limits still in force only
};

class PoolAccount {
 public:
  PoolAccount(const AccountConfig& config, std::string provider);
  PoolAccount(const PoolAccount&) = delete;
  PoolAccount& operator=(const PoolAccount&) = delete;

  const std::string& id() const { return id_; }
  const std::string& name() const { return name_; }
  const std::string& type() const { return type_; }
  const std::string& provider() const { return provider_; }
  int priority() const { return priority_; }

  AccountSnapshot snapshot(int64_t now_ms) const;

  // Slots for the plugin host; the pool never looks at them.
  void* plugin_account = nullptr;
  void* host_handle = nullptr;

 private:
  friend class AccountPool;

  const std::string id_;
  const std::string name_;
  const std::string type_;
  const std::string provider_;
  const int priority_;

  // Holds mu_ while health_ changes, then publishes the atomics below from it.
  class HealthWrite {
   public:
    explicit HealthWrite(PoolAccount& account) : account_(account), lock_(account.mu_) {}
    ~HealthWrite() { account_.publishLocked(); }
    HealthWrite(const HealthWrite&) = delete;
    HealthWrite& operator=(const HealthWrite&) = delete;

   private:
    PoolAccount& account_;
    std::lock_guard<std::mutex> lock_;
  };
  void publishLocked();
  // AccountHealth::usableFor without the mutex, for a model of no family (or an account that
  // has no family limits).
  bool usableIgnoringFamilies(int64_t now_ms) const {
    return blocked_until_.load(std::memory_order_acquire) <= now_ms;
  }
  bool hasFamilyLimits() const { return family_limits_.load(std::memory_order_acquire); }

  mutable std::mutex mu_;
  AccountHealth health_;  // guarded by mu_ (but for last_used_at: see last_used_at_)

  // ---- published from health_ (written with mu_ held, read without) ----
  std::atomic<int64_t> blocked_until_{0};     // INT64_MAX: disabled; else the cooldown's end
  std::atomic<bool> family_limits_{false};    // health_.family_until is not empty
  std::atomic<bool> nothing_to_clear_{true};  // no errors, failures, ejection or warning
  std::atomic<int64_t> transient_until_{0};   // the end of a transient cooldown; 0: none
  // ---- the picks ----
  std::atomic<uint64_t> use_seq_{0};  // the pool-wide order of picks, for LRU
  std::atomic<int64_t> last_used_at_{0};
};

}  // namespace relay
