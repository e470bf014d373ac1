// What failover does with one classified answer: the plugin's action (classify_answer when the
// plugin has it, else the 1.0 classify), the account effect it implies with the rest capped by
// the chain's failover configuration per failure class, and whether to try again.
#pragma once

#include <string>
#include <string_view>

#include "core/abi/relay_plugin.h"
#include "core/chain/filter.h"

namespace relay {

class ProviderAccount;
class AccountPool;
class PoolAccount;

// An upstream answer as failover saw it: status 0 = no HTTP answer.
struct ClassifiedAnswer {
  int status = 0;
  const Headers* headers = nullptr;  // null when there was no answer
  std::string_view body_prefix;
  std::string_view transport_error;
};

// Asks the account's plugin. Without any classify hook: OK for 1xx-3xx, else PASS_THROUGH.
relay_action_t classifyWithPlugin(const ProviderAccount& account, const Request& req,
                                  const RequestState& state, const ClassifiedAnswer& answer);

// The action's failure class; a 1.0 plugin's (NONE) is derived from the status.
relay_failure_class_t failureClass(const relay_action_t& a, int status);

// Announced resets are honoured this far ahead (weekly limits are real).
inline constexpr int64_t kMaxResetMs = 8LL * 24 * 3600 * 1000;

// The rest the host grants: the plugin's proposal (or the cap when it proposed none), at most
// the cap of the failure class. A rate limit's proposal is the announced reset: kept as is up
// to kMaxResetMs; the rate_limit_max cap applies only when none was proposed. For a transient
// failure it caps the ejection (see EjectionPolicy).
int64_t cappedRestMs(const ChainTraits& t, const relay_action_t& a, int status);

struct AccountEffect {
  relay_failure_class_t failure_class = RELAY_CLASS_NONE;
  bool ejected = false;  // a transient failure that ejected the account
};

// Applies the action to the account: a transient failure counts toward ejection; a rate limit
// or permanent failure cools it down (kind recorded), disable / family limit; and records the
// error on the account.
AccountEffect applyAccountEffect(AccountPool& pool, PoolAccount& account, const ChainTraits& t,
                                 const relay_action_t& a, int status, const std::string& what);

}  // namespace relay
