#include "filters/failover/failover_filter.h"

#include "core/accounts/account_pool.h"
#include "core/formats/error_render.h"
#include "core/loop/clock.h"
#include "core/obs/log.h"
#include "core/obs/relay_metrics.h"
#include "core/provider/provider_set.h"
#include "core/server_context.h"
#include "filters/failover/failover_policy.h"
#include "filters/provider/serving_providers.h"

#include <random>

namespace relay {

namespace {

// A failure's message naming the account once: the upstream's transport messages already start
// with it ("account a1: POST ...: connection refused").
std::string namingAccount(const ProviderAccount& account, const std::string& message) {
  std::string prefix = "account " + account.id() + ": ";
  return message.starts_with(prefix) ? message : prefix + message;
}

// Holds an error answer (or a transport failure) until it is classified; passes a success.
class FailoverFilter final : public Filter {
 public:
  explicit FailoverFilter(const ServerContext& server) : server_(server) {}

  FilterStatus onRequest(FilterCallbacks&) override { return FilterStatus::Continue; }
  ResponseRole responseRole() const override { return ResponseRole::Transform; }

  void transformHeaders(FilterCallbacks& cb, ResponseHead head, ResponseEmitter& next) override {
    ProviderAccount* pa = account(cb);
    if (head.local || head.status < 400 || !pa) {
      if (!head.local && pa) noteSuccess(cb, *pa, head);
      passing_ = true;
      next.headers(std::move(head));
      return;
    }
    held_ = std::move(head);
  }

  void transformData(FilterCallbacks&, std::string_view bytes, ResponseEmitter& next) override {
    if (passing_) return next.data(bytes);
    if (body_.size() < kErrorBodyCap) body_.append(bytes.substr(0, kErrorBodyCap - body_.size()));
  }

  void transformEnd(FilterCallbacks& cb, ResponseEmitter& next) override {
    if (passing_) return next.end();
    ClassifiedAnswer answer{held_.status, &held_.headers, body_, {}};
    if (tryAgain(cb, answer, "upstream answered " + std::to_string(held_.status))) return;
    if (final_.permanent) return emitError(cb, next, 503, final_.message);
    if (final_.retry_after_s > 0)
      held_.headers.set("retry-after", std::to_string(final_.retry_after_s));
    held_.content_length = body_.size();
    next.headers(std::move(held_));
    next.data(body_);
    next.end();
  }

  void transformFailure(FilterCallbacks& cb, const AnswerFailure& f,
                        ResponseEmitter& next) override {
    ProviderAccount* pa = account(cb);
    if (passing_ && pa) {  // bytes already left: the account effect only
      ClassifiedAnswer answer{0, nullptr, {}, f.message};
      relay_action_t a = classifyWithPlugin(*pa, cb.request(), cb.state(), answer);
      if (PoolAccount* pool_account = cb.server().pool->find(pa->id()))
        applyAccountEffect(*cb.server().pool, *pool_account, cb.traits(), a, 0, f.message);
    } else if (!passing_ && pa) {
      if (tryAgain(cb, f)) return;
      if (final_.decided) {
        // No HTTP answer from the last account: 502 (504 for a timeout) naming it and the cause.
        int status = final_.permanent ? 503 : f.status;
        std::string message = final_.permanent ? final_.message : namingAccount(*pa, f.message);
        return emitError(cb, next, status, message);
      }
    }
    next.fail(f);
  }

 private:
  static constexpr size_t kErrorBodyCap = 64 * 1024;

  // What the client gets once no attempt is left (PROTOCOLS.md B, "What the client gets when
  // nothing could serve").
  struct FinalAnswer {
    bool decided = false;
    bool permanent = false;  // an account-credential failure: 503 naming the state
    std::string message;
    int64_t retry_after_s = 0;  // 0: none known
  };

  ProviderAccount* account(FilterCallbacks& cb) const {
    if (!server_.providers || !server_.pool) return nullptr;
    const RequestState& st = cb.state();
    if (st.provider_account != nullptr) return st.provider_account;  // the upstream filter's
    return server_.providers->find(st.account_id);
  }

  void noteSuccess(FilterCallbacks& cb, ProviderAccount& pa, const ResponseHead& head) {
    ClassifiedAnswer answer{head.status, &head.headers, {}, {}};
    relay_action_t a = classifyWithPlugin(pa, cb.request(), cb.state(), answer);
    if (a.kind != RELAY_ACTION_OK) return;
    if (PoolAccount* pool_account = server_.pool->find(pa.id()))
      server_.pool->markSuccess(*pool_account, a.note);
  }

  bool tryAgain(FilterCallbacks& cb, const AnswerFailure& f) {
    if (f.cause == AnswerFailure::Cause::Credentials) {
      // A dead grant: the host already disabled the account; the request moves on. A transient
      // refresh failure (token endpoint down) with no usable token: the account is ejected at
      // once, so it is probed later while the others serve.
      relay_action_t a{};
      a.struct_size = sizeof a;
      a.kind = f.credentials_dead ? RELAY_ACTION_SWITCH_ACCOUNT : RELAY_ACTION_COOLDOWN;
      a.failure_class = f.credentials_dead ? RELAY_CLASS_PERMANENT : RELAY_CLASS_TRANSIENT;
      snprintf(a.reason, sizeof a.reason, "%s",
               f.message.empty() ? "credential refresh failed" : f.message.c_str());
      eject_at_once_ = !f.credentials_dead;
      return act(cb, a, 0, f.message);
    }
    ClassifiedAnswer answer{0, nullptr, {}, f.message};
    return tryAgain(cb, answer, f.message);
  }

  bool tryAgain(FilterCallbacks& cb, const ClassifiedAnswer& answer, const std::string& what) {
    relay_action_t a = classifyWithPlugin(*account(cb), cb.request(), cb.state(), answer);
    return act(cb, a, answer.status, what);
  }

  // Acts on a classified failure: true when a new attempt was started; otherwise final_ says
  // what the client gets (when the failure was one failover acts on).
  bool act(FilterCallbacks& cb, const relay_action_t& a, int status, const std::string& what) {
    if (a.kind == RELAY_ACTION_OK || a.kind == RELAY_ACTION_PASS_THROUGH) return false;
    ProviderAccount& pa = *account(cb);
    RequestState& st = cb.state();
    ChainTraits t = cb.traits();
    if (eject_at_once_) t.consecutive_failures = 1;
    eject_at_once_ = false;
    if (a.kind == RELAY_ACTION_REFRESH_AND_RETRY && !st.force_refreshed &&
        RELAY_PLUGIN_HAS(&pa.plugin().table(), refresh)) {
      st.force_refreshed = true;  // one forced refresh and one retry per request
      if (cb.newAttempt({0, pa.id(), true})) return true;
    }
    if (a.kind == RELAY_ACTION_RETRY_AFTER && !st.retried_same_account &&
        static_cast<int64_t>(a.ms) <= t.max_wait_ms) {
      st.retried_same_account = true;
      if (cb.newAttempt({a.ms, pa.id(), false})) return true;
    }
    AccountEffect effect;
    if (PoolAccount* pool_account = server_.pool->find(pa.id()))
      effect = applyAccountEffect(*server_.pool, *pool_account, t, a, status, what);
    bool transient = effect.failure_class == RELAY_CLASS_TRANSIENT;
    st.attempt++;
    std::vector<std::string> excluded = st.excluded_accounts;
    excluded.push_back(pa.id());
    const std::vector<std::string> providers = servingProviders(cb.server(), st);
    PoolSurvey survey = server_.pool->survey(providers, st.model, excluded, unixTimeMs());
    if (st.attempt < t.max_attempts) {
      // A session keeps its account across a blip: one backoff on it before moving on.
      bool sticky =
          !st.sticky_account_id.empty() && st.sticky_account_id == pa.id() && st.attempt == 1;
      bool others = survey.usable > 0 || survey.probe != nullptr;
      if (transient && !effect.ejected && !st.probe && (sticky || !others) &&
          retrySameAccount(cb, pa, what))
        return true;
      if (others) {
        logf(LogLevel::kInfo, "failover", "%s; trying another account",
             namingAccount(pa, what).c_str());
        relayMetrics().failover(pa.plugin().name());
        st.excluded_accounts.push_back(pa.id());
        st.retried_same_account = false;
        if (cb.newAttempt({})) return true;
      }
    }
    final_.decided = true;
    int64_t now = unixTimeMs();
    final_.retry_after_s = survey.soonest_end_ms > now ? (survey.soonest_end_ms - now + 999) / 1000
                           : transient                 ? 1
                                                       : 0;
    if (effect.failure_class == RELAY_CLASS_PERMANENT) {
      final_.permanent = true;
      final_.message = "account " + pa.id() +
                       " cannot serve: " + std::string(a.reason[0] ? a.reason : what) +
                       (a.kind == RELAY_ACTION_DISABLE ? " (disabled until re-enabled)" : "");
    }
    return false;
  }

  // The same account again after a short jittered backoff, within max_wait_seconds.
  bool retrySameAccount(FilterCallbacks& cb, ProviderAccount& pa, const std::string& what) {
    RequestState& st = cb.state();
    thread_local std::minstd_rand jitter(std::random_device{}());
    int64_t delay = (kBackoffBaseMs << std::min(st.attempt - 1, 4)) +
                    static_cast<int64_t>(jitter() % kBackoffBaseMs);
    if (st.backoff_waited_ms + delay > cb.traits().max_wait_ms) return false;
    st.backoff_waited_ms += delay;
    logf(LogLevel::kInfo, "failover", "%s; retrying it in %lld ms", namingAccount(pa, what).c_str(),
         static_cast<long long>(delay));
    return cb.newAttempt({static_cast<uint64_t>(delay), pa.id(), false});
  }

  // An error the relay renders in the client's format, with retry-after when known.
  void emitError(FilterCallbacks& cb, ResponseEmitter& next, int status, const std::string& msg) {
    std::string body = renderErrorBody(cb.state().format, status, msg);
    ResponseHead head;
    head.status = status;
    head.local = true;
    head.headers.add("content-type", "application/json");
    if (final_.retry_after_s > 0)
      head.headers.add("retry-after", std::to_string(final_.retry_after_s));
    head.content_length = body.size();
    next.headers(std::move(head));
    next.data(body);
    next.end();
  }

  static constexpr int64_t kBackoffBaseMs = 250;

  const ServerContext& server_;
  bool passing_ = false;
  ResponseHead held_;
  std::string body_;
  FinalAnswer final_;
  bool eject_at_once_ = false;  // the failure being acted on ejects without a count
};

class FailoverFactory final : public FilterFactory {
 public:
  FailoverFactory(ChainTraits policy, const ServerContext& server)
      : policy_(policy), server_(server) {}
  std::unique_ptr<Filter> create() const override {
    return std::make_unique<FailoverFilter>(server_);
  }
  FilterPlacement placement() const override { return FilterPlacement::Attempt; }
  void contribute(ChainTraits& t) const override {
    t = policy_;
    t.failover = true;
  }

 private:
  ChainTraits policy_;
  const ServerContext& server_;
};

bool readInt(const YAML::Node& n, const char* key, int lo, int hi, int* out, std::string* error);

// `cooldown_seconds: {unauthorized, billing, overloaded, server_error, rate_limit_max}`.
bool readCooldowns(const YAML::Node& n, ChainTraits* t, std::string* error) {
  const YAML::Node c = n["cooldown_seconds"];
  if (!c) return true;
  if (!c.IsMap()) {
    *error = "cooldown_seconds: expected a map";
    return false;
  }
  struct Entry {
    const char* key;
    int64_t* ms;
  };
  const Entry entries[] = {{"unauthorized", &t->unauthorized_cooldown_ms},
                           {"billing", &t->billing_cooldown_ms},
                           {"overloaded", &t->overloaded_cooldown_ms},
                           {"server_error", &t->server_error_cooldown_ms},
                           {"rate_limit_max", &t->rate_limit_max_cooldown_ms}};
  for (const auto& kv : c) {
    std::string k = kv.first.as<std::string>();
    const Entry* e = nullptr;
    for (const auto& x : entries)
      if (k == x.key) e = &x;
    if (!e) {
      *error = "cooldown_seconds." + k +
               ": unknown key (expected: unauthorized, billing, overloaded, server_error, "
               "rate_limit_max)";
      return false;
    }
    int v = 0;
    if (!readInt(c, e->key, 0, 7 * 24 * 3600, &v, error)) {
      *error = "cooldown_seconds." + *error;
      return false;
    }
    *e->ms = static_cast<int64_t>(v) * 1000;
  }
  return true;
}

bool readInt(const YAML::Node& n, const char* key, int lo, int hi, int* out, std::string* error) {
  const YAML::Node v = n[key];
  if (!v) return true;
  try {
    *out = v.as<int>();
  } catch (const YAML::Exception&) {
    *error = std::string(key) + ": expected an integer";
    return false;
  }
  if (*out < lo || *out > hi) {
    *error = std::string(key) + ": expected " + std::to_string(lo) + "-" + std::to_string(hi);
    return false;
  }
  return true;
}

}  // namespace

std::unique_ptr<FilterFactory> buildFailoverFilter(const FilterSpec& spec,
                                                   const ServerContext& server,
                                                   std::string* error) {
  ChainTraits policy;
  int attempts = 3;
  int wait_s = 10;
  int consecutive = 3;
  int base_ejection_s = 10;
  // Top-level `failover:` gives the defaults; the filter's own map overrides them.
  for (const YAML::Node& n : {server.config.failover, spec.config}) {
    if (!n || n.IsNull()) continue;
    if (!n.IsMap()) {
      *error = "expected a map {max_attempts, max_wait_seconds}";
      return nullptr;
    }
    for (const auto& kv : n) {
      std::string k = kv.first.as<std::string>();
      if (k != "max_attempts" && k != "max_wait_seconds" && k != "cooldown_seconds" &&
          k != "consecutive_failures" && k != "base_ejection_seconds") {
        *error = "unknown key '" + k +
                 "' (expected: max_attempts, max_wait_seconds, consecutive_failures, "
                 "base_ejection_seconds, cooldown_seconds)";
        return nullptr;
      }
    }
    if (!readInt(n, "max_attempts", 1, 20, &attempts, error) ||
        !readInt(n, "max_wait_seconds", 0, 600, &wait_s, error) ||
        !readInt(n, "consecutive_failures", 1, 100, &consecutive, error) ||
        !readInt(n, "base_ejection_seconds", 1, 3600, &base_ejection_s, error) ||
        !readCooldowns(n, &policy, error))
      return nullptr;
  }
  policy.max_attempts = attempts;
  policy.max_wait_ms = wait_s * 1000;
  policy.consecutive_failures = consecutive;
  policy.base_ejection_ms = static_cast<int64_t>(base_ejection_s) * 1000;
  return std::make_unique<FailoverFactory>(policy, server);
}

}  // namespace relay
