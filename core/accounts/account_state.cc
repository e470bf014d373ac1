#include "core/accounts/account_state.h"

namespace relay {

const char* accountStateName(AccountState state) {
  switch (state) {
    case AccountState::kActive:
      return "active";
    case AccountState::kLimited:
      return "limited";
    case AccountState::kCooldown:
      return "cooldown";
    case AccountState::kDisabled:
      return "disabled";
    case AccountState::kUnconfiguredDisabled:
      return "unconfigured-disabled";
  }
  return "unknown";
}

const char* cooldownKindName(CooldownKind kind) {
  switch (kind) {
    case CooldownKind::kTransient:
      return "transient";
    case CooldownKind::kRateLimited:
      return "rate_limited";
    case CooldownKind::kPermanent:
      return "permanent";
    default:
      return "";
  }
}

CooldownKind parseCooldownKind(std::string_view name) {
  for (CooldownKind k :
       {CooldownKind::kTransient, CooldownKind::kRateLimited, CooldownKind::kPermanent}) {
    if (name == cooldownKindName(k)) return k;
  }
  return CooldownKind::kNone;
}

AccountState AccountHealth::stateAt(int64_t now_ms) const {
  if (!config_enabled) return AccountState::kUnconfiguredDisabled;
  if (!disabled_reason.empty()) return AccountState::kDisabled;
  if (cooldown_until > now_ms) return AccountState::kCooldown;
  for (const auto& [family, until] : family_until) {
    if (until > now_ms) return AccountState::kLimited;
  }
  return AccountState::kActive;
}

bool AccountHealth::familyLimited(std::string_view family, int64_t now_ms) const {
  if (family.empty()) return false;
  auto it = family_until.find(family);
  return it != family_until.end() && it->second > now_ms;
}

bool AccountHealth::usableFor(std::string_view family, int64_t now_ms) const {
  return config_enabled && disabled_reason.empty() && cooldown_until <= now_ms &&
         !familyLimited(family, now_ms);
}

void AccountHealth::dropExpiredFamilies(int64_t now_ms) {
  std::erase_if(family_until, [now_ms](const auto& entry) { return entry.second <= now_ms; });
}

}  // namespace relay
