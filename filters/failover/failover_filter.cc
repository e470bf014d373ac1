#include "filters/failover/failover_filter.h"

#include "core/accounts/account_pool.h"
#include "core/obs/log.h"
#include "core/obs/relay_metrics.h"
#include "core/provider/provider_set.h"
#include "core/server_context.h"
#include "filters/failover/failover_policy.h"

namespace relay {

namespace {

// Holds an error answer (or a transport failure) until it is classified; passes a success.
class FailoverFilter final : public Filter {
 public:
  explicit FailoverFilter(const ServerContext& server) : server_(server) {}

  FilterStatus onRequest(FilterCallbacks&) override { return FilterStatus::Continue; }
  ResponseRole responseRole() const override { return ResponseRole::Transform; }

  void transformHeaders(FilterCallbacks& cb, ResponseHead head, ResponseEmitter& next) override {
    if (head.local || head.status < 400 || !account(cb)) {
      if (!head.local && account(cb)) noteSuccess(cb, head);
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
    } else if (!passing_ && pa && tryAgain(cb, f)) {
      return;
    }
    next.fail(f);
  }

 private:
  static constexpr size_t kErrorBodyCap = 64 * 1024;

  ProviderAccount* account(FilterCallbacks& cb) const {
    if (!server_.providers || !server_.pool) return nullptr;
    return server_.providers->find(cb.state().account_id);
  }

  void noteSuccess(FilterCallbacks& cb, const ResponseHead& head) {
    ProviderAccount& pa = *account(cb);
    ClassifiedAnswer answer{head.status, &head.headers, {}, {}};
    relay_action_t a = classifyWithPlugin(pa, cb.request(), cb.state(), answer);
    if (a.kind != RELAY_ACTION_OK) return;
    if (PoolAccount* pool_account = server_.pool->find(pa.id()))
      server_.pool->markSuccess(*pool_account, a.note);
  }

  bool tryAgain(FilterCallbacks& cb, const AnswerFailure& f) {
    if (f.cause == AnswerFailure::Cause::Credentials) {
      relay_action_t a{};
      a.struct_size = sizeof a;
      a.kind = RELAY_ACTION_COOLDOWN;
      a.failure_class = RELAY_CLASS_TRANSIENT;
      snprintf(a.reason, sizeof a.reason, "credential refresh failed");
      return act(cb, a, 0, f.message);
    }
    ClassifiedAnswer answer{0, nullptr, {}, f.message};
    return tryAgain(cb, answer, f.message);
  }

  bool tryAgain(FilterCallbacks& cb, const ClassifiedAnswer& answer, const std::string& what) {
    relay_action_t a = classifyWithPlugin(*account(cb), cb.request(), cb.state(), answer);
    return act(cb, a, answer.status, what);
  }

  // Acts on a classified failure: true when a new attempt was started.
  bool act(FilterCallbacks& cb, const relay_action_t& a, int status, const std::string& what) {
    if (a.kind == RELAY_ACTION_OK || a.kind == RELAY_ACTION_PASS_THROUGH) return false;
    ProviderAccount& pa = *account(cb);
    RequestState& st = cb.state();
    const ChainTraits& t = cb.traits();
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
    if (PoolAccount* pool_account = server_.pool->find(pa.id()))
      applyAccountEffect(*server_.pool, *pool_account, t, a, status, what);
    st.attempt++;
    if (st.attempt >= t.max_attempts) return false;
    logf(LogLevel::kInfo, "failover", "account %s: %s; trying another account", pa.id().c_str(),
         what.c_str());
    relayMetrics().failover(pa.plugin().name());
    st.excluded_accounts.push_back(pa.id());
    st.retried_same_account = false;
    return cb.newAttempt({});
  }

  const ServerContext& server_;
  bool passing_ = false;
  ResponseHead held_;
  std::string body_;
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
  // Top-level `failover:` gives the defaults; the filter's own map overrides them.
  for (const YAML::Node& n : {server.config.failover, spec.config}) {
    if (!n || n.IsNull()) continue;
    if (!n.IsMap()) {
      *error = "expected a map {max_attempts, max_wait_seconds}";
      return nullptr;
    }
    for (const auto& kv : n) {
      std::string k = kv.first.as<std::string>();
      if (k != "max_attempts" && k != "max_wait_seconds" && k != "cooldown_seconds") {
        *error =
            "unknown key '" + k + "' (expected: max_attempts, max_wait_seconds, cooldown_seconds)";
        return nullptr;
      }
    }
    if (!readInt(n, "max_attempts", 1, 20, &attempts, error) ||
        !readInt(n, "max_wait_seconds", 0, 600, &wait_s, error) ||
        !readCooldowns(n, &policy, error))
      return nullptr;
  }
  policy.max_attempts = attempts;
  policy.max_wait_ms = wait_s * 1000;
  return std::make_unique<FailoverFactory>(policy, server);
}

}  // namespace relay
