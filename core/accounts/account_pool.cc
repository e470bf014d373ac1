#include "core/accounts/account_pool.h"

#include <algorithm>
#include <chrono>
#include <forward_list>

namespace relay {
namespace {

int64_t systemClockMs() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

bool contains(const std::vector<std::string>& list, std::string_view value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

}  // namespace

// The family of one pick's model on each provider, asked once per provider.
class AccountPool::FamilyCache {
 public:
  FamilyCache(const AccountPool& pool, std::string_view model) : pool_(pool), model_(model) {}
  const std::string& of(const PoolAccount& account) {
    for (const auto& [provider, family] : known_)
      if (*provider == account.provider()) return family;
    known_.emplace_front(&account.provider(), pool_.familyOf(account, model_));
    return known_.front().second;
  }

 private:
  const AccountPool& pool_;
  std::string_view model_;
  // Allocates nothing until a family is asked; references stay valid.
  std::forward_list<std::pair<const std::string*, std::string>> known_;
};

AccountPool::AccountPool(const std::vector<AccountConfig>& accounts, const ProviderOf& provider_of,
                         store::Store* store, Clock clock)
    : store_(store), clock_(clock ? std::move(clock) : Clock(systemClockMs)) {
  accounts_.reserve(accounts.size());
  for (const AccountConfig& config : accounts) {
    if (by_id_.count(config.id) != 0) continue;  // the config rejects duplicates; first wins
    auto account = std::make_unique<PoolAccount>(config, provider_of(config.type));
    by_id_.emplace(account->id(), account.get());
    by_provider_[account->provider()].push_back(account.get());
    accounts_.push_back(std::move(account));
  }
}

PoolAccount* AccountPool::find(std::string_view id) const {
  auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : it->second;
}

std::string AccountPool::familyOf(const PoolAccount& account, std::string_view model) const {
  return family_of_ && !model.empty() ? family_of_(account.provider(), model) : std::string();
}

bool AccountPool::usable(const PoolAccount& account, std::string_view model, int64_t now_ms) const {
  FamilyCache families(*this, model);
  return usableNow(account, families, now_ms);
}

bool AccountPool::usableNow(const PoolAccount& account, FamilyCache& families,
                            int64_t now_ms) const {
  if (!account.hasFamilyLimits()) return account.usableIgnoringFamilies(now_ms);
  const std::string& family = families.of(account);
  if (family.empty()) return account.usableIgnoringFamilies(now_ms);
  std::lock_guard lock(account.mu_);
  return account.health_.usableFor(family, now_ms);
}

PoolAccount* AccountPool::pick(const std::vector<std::string>& providers, std::string_view model,
                               const std::vector<std::string>& excluded,
                               std::string_view preferred_id, int64_t now_ms) {
  FamilyCache families(*this, model);
  if (PoolAccount* preferred = preferred_id.empty() ? nullptr : find(preferred_id)) {
    bool allowed = providers.empty() || contains(providers, preferred->provider());
    if (allowed && !contains(excluded, preferred->id()) &&
        usableNow(*preferred, families, now_ms)) {
      markUsed(*preferred, now_ms);
      return preferred;
    }
  }
  // A claim fails only when another pick took the candidate since the scan, or it just became
  // unusable (the next scan skips it): each retry follows another pick's progress, so the loop
  // ends (lock-free). Never taking a candidate without the claim keeps the LRU order exact: a
  // pick that took a stale candidate regardless gave that account a second turn in the round.
  for (;;) {
    Candidate best = bestCandidate(providers, families, excluded, now_ms);
    if (best.account == nullptr) return nullptr;
    if (claim(best, families, now_ms)) return best.account;
  }
}

AccountPool::Candidate AccountPool::bestCandidate(const std::vector<std::string>& providers,
                                                  FamilyCache& families,
                                                  const std::vector<std::string>& excluded,
                                                  int64_t now_ms) const {
  Candidate best;
  if (providers.empty()) {
    for (const auto& account : accounts_)
      considerCandidate(*account, families, excluded, now_ms, best);
    return best;
  }
  for (const std::string& provider : providers) {
    auto it = by_provider_.find(provider);
    if (it == by_provider_.end()) continue;
    for (PoolAccount* account : it->second) {
      considerCandidate(*account, families, excluded, now_ms, best);
    }
  }
  return best;
}

void AccountPool::considerCandidate(PoolAccount& account, FamilyCache& families,
                                    const std::vector<std::string>& excluded, int64_t now_ms,
                                    Candidate& best) const {
  if (&account == best.account || contains(excluded, account.id())) return;
  if (best.account != nullptr && account.priority() < best.account->priority()) return;
  uint64_t use_seq = account.use_seq_.load(std::memory_order_relaxed);
  if (!usableNow(account, families, now_ms)) return;
  bool better = best.account == nullptr || account.priority() > best.account->priority() ||
                use_seq < best.use_seq;
  if (better) best = {&account, use_seq};
}

// Takes the candidate unless another pick used it since the scan (then the caller rescans).
bool AccountPool::claim(const Candidate& candidate, FamilyCache& families, int64_t now_ms) {
  PoolAccount& account = *candidate.account;
  if (!usableNow(account, families, now_ms)) return false;
  uint64_t expected = candidate.use_seq;
  uint64_t seq = next_use_seq_.fetch_add(1, std::memory_order_relaxed) + 1;
  if (!account.use_seq_.compare_exchange_strong(expected, seq, std::memory_order_relaxed))
    return false;  // another pick took it since the scan
  account.last_used_at_.store(now_ms, std::memory_order_relaxed);
  return true;
}

void AccountPool::markUsed(PoolAccount& account, int64_t now_ms) {
  uint64_t seq = next_use_seq_.fetch_add(1, std::memory_order_relaxed) + 1;
  // A later pick may have stored a newer order already: keep the newest.
  uint64_t current = account.use_seq_.load(std::memory_order_relaxed);
  while (current < seq &&
         !account.use_seq_.compare_exchange_weak(current, seq, std::memory_order_relaxed)) {
  }
  account.last_used_at_.store(now_ms, std::memory_order_relaxed);
}

}  // namespace relay
