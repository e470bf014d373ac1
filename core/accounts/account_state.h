// An account's health as one value, derived from its stored facts at a point in time.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>

namespace relay {

enum class AccountState {
  kActive,                // usable for every model family
  kLimited,               // usable, but some model family is limited
  kCooldown,              // unusable until cooldown_until
  kDisabled,              // unusable until re-enabled (config toggle or AccountPool::enable)
  kUnconfiguredDisabled,  // `enabled: false` in the config
};

inline constexpr std::array<AccountState, 5> kAllAccountStates = {
    AccountState::kActive, AccountState::kLimited, AccountState::kCooldown, AccountState::kDisabled,
    AccountState::kUnconfiguredDisabled};

// "active", "limited", "cooldown", "disabled", "unconfigured-disabled".
const char* accountStateName(AccountState state);

// Why a cooldown is in force, which decides whether a probe may end it early (PROTOCOLS.md B):
// a transient ejection may be probed; a rate limit ends at its announced reset; a permanent
// state (credentials, billing) is never probed.
enum class CooldownKind { kNone, kTransient, kRateLimited, kPermanent };
// "", "transient", "rate_limited", "permanent" (the persisted names).
const char* cooldownKindName(CooldownKind kind);
CooldownKind parseCooldownKind(std::string_view name);

// The mutable facts about one account. Times are Unix ms; 0 means none/unknown.
struct AccountHealth {
  bool config_enabled = true;
  int64_t cooldown_until = 0;
  std::string cooldown_reason;
  CooldownKind cooldown_kind = CooldownKind::kNone;
  // Outlier detection: transient failures in a row, and how many ejections in a row (the next
  // ejection lasts base << ejection_level); a success resets both.
  int64_t consecutive_failures = 0;
  int64_t ejection_level = 0;
  std::string disabled_reason;  // non-empty: disabled until re-enabled
  std::map<std::string, int64_t, std::less<>> family_until;
  int64_t error_count = 0;
  std::string last_error;
  int64_t last_error_at = 0;
  std::string warning;  // the provider's note about a healthy account (e.g. a quota near its limit)
  int64_t token_expires_at = 0;
  // The account authenticates with tokens (config tokens or stored ones), so an expiry of 0
  // means "unknown" rather than "no token" (display only).
  bool token_based = false;
  int64_t last_used_at = 0;
  // Since start-up, not persisted: for /metrics.
  uint64_t ejections = 0;
  uint64_t probes = 0;
  uint64_t panic_requests = 0;

  // Highest-precedence state at now_ms: unconfigured-disabled, disabled, cooldown, limited.
  AccountState stateAt(int64_t now_ms) const;
  // Usable for a request of `family` ("" = no family) at now_ms.
  bool usableFor(std::string_view family, int64_t now_ms) const;
  bool familyLimited(std::string_view family, int64_t now_ms) const;
  // Drops family limits that ended at or before now_ms.
  void dropExpiredFamilies(int64_t now_ms);
};

}  // namespace relay
