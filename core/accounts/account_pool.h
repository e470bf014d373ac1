// The account pool: every configured account with its health, the selection rule of
// PROTOCOLS.md ("Account selection"), and persistence of every change through the store.
//
// Thread-safe: the account list is fixed at construction and read without locks; each
// account's health has its own mutex. Changes are posted to the store thread (batched there),
// so no caller ever waits for SQLite, except loadState at start-up.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/accounts/account_state.h"
#include "core/accounts/pool_account.h"
#include "core/config/config.h"

namespace relay {

namespace store {
class Store;
}
struct PersistedPoolState;

// Outlier detection for transient failures (PROTOCOLS.md B, "Transient failures never cause an
// outage"): eject after `consecutive_failures` in a row, for base_ms << (ejections in a row),
// at most cap_ms.
struct EjectionPolicy {
  int64_t consecutive_failures = 3;
  int64_t base_ms = 10 * 1000;
  int64_t cap_ms = 60 * 1000;
};

struct TransientOutcome {
  bool ejected = false;     // this failure ejected the account
  int64_t until_ms = 0;     // the ejection's end
  int64_t consecutive = 0;  // transient failures in a row, this one included
};

// Where the candidates of one request stand (those not excluded), and when the soonest
// cooldown or limit of any of them (excluded ones too) ends.
struct PoolSurvey {
  int usable = 0;
  int transient = 0;           // ejected for transient failures: may be probed
  int rate_limited = 0;        // a 429 cooldown, or the model's family limited: waits for the reset
  int permanent = 0;           // disabled, or resting after a credential or billing failure
  int64_t soonest_end_ms = 0;  // 0: nothing ends
  PoolAccount* probe = nullptr;  // the transient one whose cooldown ends first
  std::string permanent_state;   // "account X is disabled: ..." for the first permanent one
};

class AccountPool {
 public:
  using ProviderOf = std::function<std::string(const std::string& account_type)>;
  using Clock = std::function<int64_t()>;  // Unix ms
  // The name under which `model`'s limits are kept on accounts of `provider` (its plugin's
  // model_family); "" = the model has no family. Any thread.
  using FamilyOf = std::function<std::string(const std::string& provider, std::string_view model)>;

  // `store` may be null (nothing persisted); it must outlive the pool. `clock` stamps the
  // changes that take no time argument; empty: the system clock.
  AccountPool(const std::vector<AccountConfig>& accounts, const ProviderOf& provider_of,
              store::Store* store = nullptr, Clock clock = {});
  AccountPool(const AccountPool&) = delete;
  AccountPool& operator=(const AccountPool&) = delete;

  // Start-up, before traffic: how model families are named (default: no model has one).
  void setModelFamilies(FamilyOf family_of) { family_of_ = std::move(family_of); }
  std::string familyOf(const PoolAccount& account, std::string_view model) const;

  // Start-up, before traffic: restores persisted health (blocking query). A config toggled
  // from `enabled: false` to true since the last run re-enables a disabled account.
  // Throws store::StoreError.
  void loadState(int64_t now_ms);

  // The account for one attempt: `preferred_id` (the sticky binding) while it is usable;
  // else the highest priority usable account of `providers` (empty: any) not in `excluded`
  // and not limited for familyOf(account, model), ties to the least recently picked. Marks the
  // chosen account used. Null when none is usable.
  PoolAccount* pick(const std::vector<std::string>& providers, std::string_view model,
                    const std::vector<std::string>& excluded, std::string_view preferred_id,
                    int64_t now_ms);
  PoolAccount* find(std::string_view id) const;
  bool usable(const PoolAccount& account, std::string_view model, int64_t now_ms) const;

  // A successful answer: clears the error counter, the transient-failure count and the ejection
  // level, and a transient cooldown in force (a probe succeeded: half-open); records `warning`
  // ("" clears it). A recovery from an ejection is logged once.
  void markSuccess(PoolAccount& account, std::string_view warning);
  // Unusable until `until_ms`; an earlier end never shortens a cooldown in force.
  void cooldown(PoolAccount& account, int64_t until_ms, std::string_view reason,
                CooldownKind kind = CooldownKind::kTransient);
  // Counts a transient failure; ejects the account when the policy says so (logged once), or
  // again at once when the failure is a probe's (ejected before, no success since).
  TransientOutcome noteTransientFailure(PoolAccount& account, const EjectionPolicy& policy,
                                        std::string_view reason);
  PoolSurvey survey(const std::vector<std::string>& providers, std::string_view model,
                    const std::vector<std::string>& excluded, int64_t now_ms) const;
  // Panic mode: every candidate is unusable; the transient one whose cooldown ends first, as a
  // probe (counted), or null when none may be probed.
  PoolAccount* pickProbe(const std::vector<std::string>& providers, std::string_view model,
                         const std::vector<std::string>& excluded, int64_t now_ms);
  // Unusable until re-enabled.
  void disable(PoolAccount& account, std::string_view reason);
  // Operator action: clears disabled and cooldown state. False when `id` is unknown.
  bool enable(std::string_view id);
  // `family` unusable on this account until `until_ms`; "" cools the whole account down.
  void limitFamily(PoolAccount& account, std::string_view family, int64_t until_ms);
  // Counts an error and keeps its text (secrets masked) for /health and the CLI.
  void recordError(PoolAccount& account, std::string_view message);
  // For display only; the plugin host owns the credentials.
  void setTokenExpiry(PoolAccount& account, int64_t expires_at_ms);

  // provider -> state name -> count.
  std::map<std::string, std::map<std::string, int>> summary(int64_t now_ms) const;
  std::vector<AccountSnapshot> snapshot(int64_t now_ms) const;
  const std::vector<std::unique_ptr<PoolAccount>>& accounts() const { return accounts_; }
  int64_t nowMs() const { return clock_(); }

 private:
  struct Candidate {
    PoolAccount* account = nullptr;
    uint64_t use_seq = 0;
  };
  class FamilyCache;  // one pick's model family per provider

  Candidate bestCandidate(const std::vector<std::string>& providers, FamilyCache& families,
                          const std::vector<std::string>& excluded, int64_t now_ms) const;
  void considerCandidate(PoolAccount& account, FamilyCache& families,
                         const std::vector<std::string>& excluded, int64_t now_ms,
                         Candidate& best) const;
  // usable(), asking the model's family only when the account has family limits; takes the
  // account's mutex only then.
  bool usableNow(const PoolAccount& account, FamilyCache& families, int64_t now_ms) const;
  // Takes the candidate when its LRU order is still the one the scan saw (a CAS).
  bool claim(const Candidate& candidate, FamilyCache& families, int64_t now_ms);
  void markUsed(PoolAccount& account, int64_t now_ms);
  void restoreAccount(PoolAccount& account, const PersistedPoolState& persisted, int64_t now_ms);
  // Posts the account's row to the store; call with the account's mutex held, so the rows of
  // one account reach the store in the order the changes were made.
  void persistLocked(const PoolAccount& account, int64_t now_ms);
  void persistFamilyLocked(const PoolAccount& account, const std::string& family, int64_t until);

  std::vector<std::unique_ptr<PoolAccount>> accounts_;
  std::map<std::string, PoolAccount*, std::less<>> by_id_;
  std::map<std::string, std::vector<PoolAccount*>, std::less<>> by_provider_;
  store::Store* store_;
  Clock clock_;
  FamilyOf family_of_;
  std::atomic<uint64_t> next_use_seq_{0};
};

}  // namespace relay
