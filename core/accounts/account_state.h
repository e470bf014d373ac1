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

// The mutable facts about one account. Times are Unix ms; 0 means none/unknown.
struct AccountHealth {
  bool config_enabled = true;
  int64_t cooldown_until = 0;
  std::string cooldown_reason;
  std::string disabled_reason;  // non-empty: disabled until re-enabled
  std::map<std::string, int64_t, std::less<>> family_until;
  int64_t error_count = 0;
  std::string last_error;
  int64_t last_error_at = 0;
  std::string warning;  // the provider's note about a healthy account (e.g. a quota near its limit)
  int64_t token_expires_at = 0;
  int64_t last_used_at = 0;

  // Highest-precedence state at now_ms: unconfigured-disabled, disabled, cooldown, limited.
  AccountState stateAt(int64_t now_ms) const;
  // Usable for a request of `family` ("" = no family) at now_ms.
  bool usableFor(std::string_view family, int64_t now_ms) const;
  bool familyLimited(std::string_view family, int64_t now_ms) const;
  // Drops family limits that ended at or before now_ms.
  void dropExpiredFamilies(int64_t now_ms);
};

}  // namespace relay
