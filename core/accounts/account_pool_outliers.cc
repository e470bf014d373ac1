// AccountPool: outlier detection for transient failures, the survey of a request's candidates
// and panic-mode probes (PROTOCOLS.md B, "Transient failures never cause an outage").
#include <algorithm>

#include "core/accounts/account_pool.h"
#include "core/obs/log.h"

namespace relay {
namespace {

bool contains(const std::vector<std::string>& list, std::string_view value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

bool allowed(const std::vector<std::string>& providers, const PoolAccount& account) {
  return providers.empty() || contains(providers, account.provider());
}

int64_t ejectionMs(const EjectionPolicy& policy, int64_t level) {
  int64_t ms = std::max<int64_t>(policy.base_ms, 1);
  for (int64_t i = 0; i < level && ms < policy.cap_ms; ++i) ms *= 2;
  return std::min(ms, policy.cap_ms);
}

void noteEnd(int64_t end_ms, int64_t now_ms, PoolSurvey& out) {
  if (end_ms <= now_ms) return;
  if (out.soonest_end_ms == 0 || end_ms < out.soonest_end_ms) out.soonest_end_ms = end_ms;
}

}  // namespace

TransientOutcome AccountPool::noteTransientFailure(PoolAccount& account,
                                                   const EjectionPolicy& policy,
                                                   std::string_view reason) {
  PoolAccount::HealthWrite write(account);
  int64_t now = clock_();
  AccountHealth& health = account.health_;
  TransientOutcome out;
  out.consecutive = ++health.consecutive_failures;
  bool cooling = health.cooldown_until > now;
  bool probe_failed = health.ejection_level > 0 && !cooling;
  if (!cooling && (probe_failed || health.consecutive_failures >= policy.consecutive_failures)) {
    int64_t ms = ejectionMs(policy, health.ejection_level);
    health.ejection_level += 1;
    health.cooldown_until = now + ms;
    health.cooldown_reason = reason.empty() ? "transient failures" : std::string(reason);
    health.cooldown_kind = CooldownKind::kTransient;
    health.ejections += 1;
    out.ejected = true;
    out.until_ms = health.cooldown_until;
    logf(LogLevel::kWarn, "accounts",
         "account %s ejected for %.1f s after %lld transient failure(s) in a row (ejection %lld): "
         "%s",
         account.id().c_str(), static_cast<double>(ms) / 1000.0,
         static_cast<long long>(health.consecutive_failures),
         static_cast<long long>(health.ejection_level), health.cooldown_reason.c_str());
  }
  persistLocked(account, now);
  return out;
}

PoolSurvey AccountPool::survey(const std::vector<std::string>& providers, std::string_view model,
                               const std::vector<std::string>& excluded, int64_t now_ms) const {
  PoolSurvey out;
  int64_t probe_end = 0;
  for (const auto& owned : accounts_) {
    PoolAccount& account = *owned;
    if (!allowed(providers, account)) continue;
    const std::string family = familyOf(account, model);
    std::lock_guard lock(account.mu_);
    const AccountHealth& h = account.health_;
    if (!h.config_enabled) continue;
    bool cooling = h.cooldown_until > now_ms;
    if (cooling) noteEnd(h.cooldown_until, now_ms, out);
    auto limit = family.empty() ? h.family_until.end() : h.family_until.find(family);
    bool limited = limit != h.family_until.end() && limit->second > now_ms;
    if (limited) noteEnd(limit->second, now_ms, out);
    if (contains(excluded, account.id())) continue;
    if (!h.disabled_reason.empty()) {
      out.permanent++;
      if (out.permanent_state.empty())
        out.permanent_state = "account " + account.id() + " is disabled: " + h.disabled_reason;
    } else if (cooling && h.cooldown_kind == CooldownKind::kPermanent) {
      out.permanent++;
      if (out.permanent_state.empty())
        out.permanent_state = "account " + account.id() + " is unavailable (" + h.cooldown_reason +
                              ") for " + std::to_string((h.cooldown_until - now_ms + 999) / 1000) +
                              " s";
    } else if (limited || (cooling && h.cooldown_kind == CooldownKind::kRateLimited)) {
      out.rate_limited++;
    } else if (cooling) {
      out.transient++;
      if (out.probe == nullptr || h.cooldown_until < probe_end) {
        out.probe = &account;
        probe_end = h.cooldown_until;
      }
    } else {
      out.usable++;
    }
  }
  return out;
}

PoolAccount* AccountPool::pickProbe(const std::vector<std::string>& providers,
                                    std::string_view model,
                                    const std::vector<std::string>& excluded, int64_t now_ms) {
  PoolSurvey s = survey(providers, model, excluded, now_ms);
  if (s.usable > 0 || s.probe == nullptr) return nullptr;
  PoolAccount& account = *s.probe;
  {
    std::lock_guard lock(account.mu_);
    account.health_.probes += 1;
    account.health_.panic_requests += 1;
  }
  markUsed(account, now_ms);
  return &account;
}

}  // namespace relay
