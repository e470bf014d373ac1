#include "core/accounts/pool_account.h"

#include <limits>
#include <utility>

namespace relay {

PoolAccount::PoolAccount(const AccountConfig& config, std::string provider)
    : id_(config.id),
      name_(config.name),
      type_(config.type),
      provider_(std::move(provider)),
      priority_(config.priority) {
  health_.config_enabled = config.enabled;
  const YAML::Node& node = config.node;
  health_.token_based = node.IsMap() && (node["access_token"] || node["refresh_token"]);
  publishLocked();  // nothing else sees the account yet
}

void PoolAccount::publishLocked() {
  const AccountHealth& h = health_;
  bool disabled = !h.config_enabled || !h.disabled_reason.empty();
  blocked_until_.store(disabled ? std::numeric_limits<int64_t>::max() : h.cooldown_until,
                       std::memory_order_release);
  family_limits_.store(!h.family_until.empty(), std::memory_order_release);
  nothing_to_clear_.store(h.error_count == 0 && h.consecutive_failures == 0 &&
                              h.ejection_level == 0 && h.warning.empty(),
                          std::memory_order_release);
  transient_until_.store(h.cooldown_kind == CooldownKind::kTransient ? h.cooldown_until : 0,
                         std::memory_order_release);
}

AccountSnapshot PoolAccount::snapshot(int64_t now_ms) const {
  AccountSnapshot out{id_, name_, type_, provider_, priority_, AccountState::kActive, {}};
  {
    std::lock_guard lock(mu_);
    out.health = health_;
  }
  out.health.last_used_at = last_used_at_.load(std::memory_order_relaxed);
  out.health.dropExpiredFamilies(now_ms);
  out.state = out.health.stateAt(now_ms);
  return out;
}

}  // namespace relay
