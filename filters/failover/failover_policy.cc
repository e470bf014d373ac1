#include "filters/failover/failover_policy.h"

#include <algorithm>

#include "core/accounts/account_pool.h"
#include "core/loop/clock.h"
#include "core/provider/provider_account.h"
#include "filters/provider/request_view.h"

namespace relay {

relay_action_t classifyWithPlugin(const ProviderAccount& account, const Request& req,
                                  const RequestState& state, const ClassifiedAnswer& answer) {
  relay_action_t a{};
  a.struct_size = sizeof a;
  a.kind =
      answer.status >= 100 && answer.status < 400 ? RELAY_ACTION_OK : RELAY_ACTION_PASS_THROUGH;
  const relay_plugin_t& p = account.plugin().table();
  Headers none;
  AbiHeaders hs(answer.headers ? *answer.headers : none);
  if (RELAY_PLUGIN_HAS(&p, classify_answer)) {
    ProviderRequestView view(req, state);
    relay_answer_t ans{};
    ans.struct_size = sizeof ans;
    ans.status = answer.status;
    ans.headers = hs.items.data();
    ans.header_count = hs.items.size();
    ans.body_prefix = toSlice(answer.body_prefix);
    ans.transport_error = toSlice(answer.transport_error);
    ans.after_forced_refresh = state.force_refreshed ? 1 : 0;
    p.classify_answer(account.handle(), view.get(), &ans, &a);
  } else if (RELAY_PLUGIN_HAS(&p, classify)) {
    std::string_view model = state.upstream_model.empty() ? state.model : state.upstream_model;
    p.classify(account.handle(), answer.status, hs.items.data(), hs.items.size(),
               toSlice(answer.body_prefix), toSlice(model), &a);
  }
  a.family[sizeof a.family - 1] = '\0';
  a.reason[sizeof a.reason - 1] = '\0';
  a.note[sizeof a.note - 1] = '\0';
  return a;
}

relay_failure_class_t failureClass(const relay_action_t& a, int status) {
  if (a.failure_class >= RELAY_CLASS_TRANSIENT && a.failure_class <= RELAY_CLASS_PERMANENT)
    return static_cast<relay_failure_class_t>(a.failure_class);
  if (status == 0 || status >= 500) return RELAY_CLASS_TRANSIENT;
  if (status == 429) return RELAY_CLASS_RATE_LIMITED;
  if (status == 401 || status == 402 || status == 403) return RELAY_CLASS_PERMANENT;
  return RELAY_CLASS_NONE;
}

namespace {

// Overload is a transient failure the HTTP way: 503 Service Unavailable, or 529.
bool overloadStatus(int status) {
  return status == 503 || status == 529;
}

int64_t capFor(const ChainTraits& t, relay_failure_class_t c, int status) {
  switch (c) {
    case RELAY_CLASS_TRANSIENT:
      return overloadStatus(status) ? t.overloaded_cooldown_ms : t.server_error_cooldown_ms;
    case RELAY_CLASS_RATE_LIMITED:
      return t.rate_limit_max_cooldown_ms;
    case RELAY_CLASS_PERMANENT:
      return status == 401 ? t.unauthorized_cooldown_ms : t.billing_cooldown_ms;
    default:
      return t.server_error_cooldown_ms;
  }
}

}  // namespace

int64_t cappedRestMs(const ChainTraits& t, const relay_action_t& a, int status) {
  relay_failure_class_t c = failureClass(a, status);
  int64_t cap = capFor(t, c, status);
  int64_t proposed = static_cast<int64_t>(std::min<uint64_t>(a.ms, INT64_MAX / 2));
  // A rate limit ends at the reset the upstream announced (up to 8 days ahead), never later;
  // rate_limit_max is for a 429 that announced none.
  if (c == RELAY_CLASS_RATE_LIMITED) return proposed == 0 ? cap : std::min(proposed, kMaxResetMs);
  return proposed == 0 ? cap : std::min(proposed, cap);
}

AccountEffect applyAccountEffect(AccountPool& pool, PoolAccount& account, const ChainTraits& t,
                                 const relay_action_t& a, int status, const std::string& what) {
  int64_t now = unixTimeMs();
  std::string reason = a.reason[0] ? a.reason : what;
  AccountEffect out;
  out.failure_class = failureClass(a, status);
  switch (a.kind) {
    case RELAY_ACTION_COOLDOWN:
    case RELAY_ACTION_RETRY_AFTER:
    case RELAY_ACTION_REFRESH_AND_RETRY:  // only when the refresh was already spent
      if (out.failure_class == RELAY_CLASS_TRANSIENT) {
        EjectionPolicy policy{t.consecutive_failures, t.base_ejection_ms,
                              cappedRestMs(t, a, status)};
        out.ejected = pool.noteTransientFailure(account, policy, reason).ejected;
      } else {
        CooldownKind kind = out.failure_class == RELAY_CLASS_RATE_LIMITED
                                ? CooldownKind::kRateLimited
                                : CooldownKind::kPermanent;
        pool.cooldown(account, now + cappedRestMs(t, a, status), reason, kind);
      }
      break;
    case RELAY_ACTION_DISABLE:
      pool.disable(account, reason);
      break;
    case RELAY_ACTION_LIMIT_MODEL_FAMILY: {
      int64_t ms = static_cast<int64_t>(std::min<uint64_t>(a.ms, kMaxResetMs));
      pool.limitFamily(account, a.family, now + (ms == 0 ? t.rate_limit_max_cooldown_ms : ms));
      break;
    }
    default:
      break;
  }
  pool.recordError(account, what);
  return out;
}

}  // namespace relay
