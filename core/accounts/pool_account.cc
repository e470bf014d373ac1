#include "core/accounts/pool_account.h"

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
}

AccountSnapshot PoolAccount::snapshot(int64_t now_ms) const {
  AccountSnapshot out{id_, name_, type_, provider_, priority_, AccountState::kActive, {}};
  {
    std::lock_guard lock(mu_);
    out.health = health_;
  }
  out.health.dropExpiredFamilies(now_ms);
  out.state = out.health.stateAt(now_ms);
  return out;
}

}  // namespace relay
