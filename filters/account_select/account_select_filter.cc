#include "filters/account_select/account_select_filter.h"

#include <algorithm>

#include "core/accounts/account_pool.h"
#include "core/loop/clock.h"
#include "core/obs/log.h"
#include "core/server_context.h"
#include "filters/provider/serving_providers.h"

namespace relay {

namespace {

class AccountSelectFilter final : public Filter {
 public:
  explicit AccountSelectFilter(const std::vector<std::string>& providers) : providers_(providers) {}

  FilterStatus onRequest(FilterCallbacks& cb) override {
    RequestState& st = cb.state();
    if (!st.retry_account_id.empty()) {  // failover asked for the same account again
      st.account_id = std::move(st.retry_account_id);
      st.retry_account_id.clear();
      return FilterStatus::Continue;
    }
    const std::vector<std::string> providers =
        providers_.empty() ? servingProviders(cb.server(), st) : providers_;
    if (AccountPool* pool = cb.server().pool.get()) {
      int64_t now = unixTimeMs();
      if (PoolAccount* a =
              pool->pick(providers, st.model, st.excluded_accounts, st.sticky_account_id, now)) {
        st.account_id = a->id();
        return FilterStatus::Continue;
      }
      // Panic mode: every candidate is cooling down for a transient reason; probe the one
      // whose cooldown ends first (a success clears it).
      if (PoolAccount* a = pool->pickProbe(providers, st.model, st.excluded_accounts, now)) {
        logf(LogLevel::kInfo, "failover", "panic mode: probing account %s", a->id().c_str());
        st.account_id = a->id();
        st.probe = true;
        return FilterStatus::Continue;
      }
      return nothingCanServe(cb, *pool, providers, now);
    }
    for (const auto& provider : providers) {
      for (const AccountEntry* a : cb.server().accounts.usable(provider)) {
        if (std::find(st.excluded_accounts.begin(), st.excluded_accounts.end(), a->id) !=
            st.excluded_accounts.end())
          continue;
        st.account_id = a->id;
        return FilterStatus::Continue;
      }
    }
    return noAccount(cb, providers);
  }

 private:
  // Nothing to attempt: 429 when rate limits are what stands in the way, 503 naming an
  // account's state when credentials or billing do, else 503 "no available account"; each with
  // retry-after when some cooldown or limit ends.
  static FilterStatus nothingCanServe(FilterCallbacks& cb, const AccountPool& pool,
                                      const std::vector<std::string>& providers, int64_t now) {
    RequestState& st = cb.state();
    PoolSurvey s = pool.survey(providers, st.model, st.excluded_accounts, now);
    Headers extra;
    if (s.soonest_end_ms > now)
      extra.add("retry-after", std::to_string((s.soonest_end_ms - now + 999) / 1000));
    if (s.rate_limited > 0) {
      cb.sendErrorWithHeaders(429, "every account for " + names(providers) + " is rate limited",
                              extra);
      return FilterStatus::Stop;
    }
    if (s.permanent > 0) {
      cb.sendErrorWithHeaders(503, s.permanent_state, extra);
      return FilterStatus::Stop;
    }
    cb.sendErrorWithHeaders(503, noAccountMessage(cb, providers), extra);
    return FilterStatus::Stop;
  }

  static std::string names(const std::vector<std::string>& providers) {
    std::string names;
    for (const auto& p : providers) names += (names.empty() ? "" : " or ") + p;
    if (names.empty()) names = "(none configured for this route)";
    return "provider " + names;
  }

  static std::string noAccountMessage(FilterCallbacks& cb,
                                      const std::vector<std::string>& providers) {
    std::string why = "no available account for " + names(providers);
    if (!cb.state().excluded_accounts.empty())
      why +=
          " (" + std::to_string(cb.state().excluded_accounts.size()) + " failed for this request)";
    return why;
  }

  static FilterStatus noAccount(FilterCallbacks& cb, const std::vector<std::string>& providers) {
    cb.sendError(503, noAccountMessage(cb, providers));
    return FilterStatus::Stop;
  }

  const std::vector<std::string>& providers_;
};

class AccountSelectFactory final : public FilterFactory {
 public:
  explicit AccountSelectFactory(std::vector<std::string> providers)
      : providers_(std::move(providers)) {}
  std::unique_ptr<Filter> create() const override {
    return std::make_unique<AccountSelectFilter>(providers_);
  }
  FilterPlacement placement() const override { return FilterPlacement::AttemptStart; }

 private:
  std::vector<std::string> providers_;
};

}  // namespace

std::unique_ptr<FilterFactory> buildAccountSelectFilter(const FilterSpec& spec,
                                                        const ServerContext&, std::string* error) {
  std::vector<std::string> providers;
  if (spec.config && !spec.config.IsNull()) {
    const YAML::Node& p = spec.config["providers"];
    if (!spec.config.IsMap() || spec.config.size() != 1 || !p || !p.IsSequence()) {
      *error = "expected {providers: [name, ...]}";
      return nullptr;
    }
    for (const auto& v : p) providers.push_back(v.as<std::string>());
  }
  return std::make_unique<AccountSelectFactory>(std::move(providers));
}

}  // namespace relay
