// One configured account in the pool. Identity is fixed at construction; health is guarded by
// the account's own mutex, so request threads never contend on a pool-wide lock.
#pragma once

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

  mutable std::mutex mu_;
  AccountHealth health_;  // guarded by mu_
  uint64_t use_seq_ = 0;  // guarded by mu_; the pool-wide order of picks, for LRU
};

}  // namespace relay
