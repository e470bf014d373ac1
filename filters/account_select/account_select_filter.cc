#include "filters/account_select/account_select_filter.h"

#include <algorithm>
#include <array>
#include <mutex>

#include "core/accounts/account_pool.h"
#include "core/loop/clock.h"
#include "core/obs/log.h"
#include "core/server_context.h"
#include "filters/provider/serving_providers.h"

namespace relay {

namespace {

// Which providers may serve a request: the filter's own list, else the route's, else every loaded
// provider that serves the request's format (servingProviders), worked out once per format.
class ProviderChoice {
 public:
  ProviderChoice(std::vector<std::string> configured, const ServerContext& server)
      : configured_(std::move(configured)), server_(server) {}

  const std::vector<std::string>& forRequest(const RequestState& st) const {
    if (!configured_.empty()) return configured_;
    if (st.route && !st.route->providers.empty()) return st.route->providers;
    auto f = static_cast<size_t>(st.format);
    std::call_once(by_format_once_[f], [&] {
      RequestState of_format;
      of_format.format = st.format;
      by_format_[f] = servingProviders(server_, of_format);
    });
    return by_format_[f];
  }

 private:
  std::vector<std::string> configured_;
  const ServerContext& server_;
  mutable std::array<std::once_flag, kWireFormatNames.size()> by_format_once_;
  mutable std::array<std::vector<std::string>, kWireFormatNames.size()> by_format_;
};

class AccountSelectFilter final : public Filter {
 public:
  explicit AccountSelectFilter(const ProviderChoice& providers) : providers_(providers) {}

  FilterStatus onRequest(FilterCallbacks& cb) override {
    RequestState& st = cb.state();
    if (!st.retry_account_id.empty()) {  // failover asked for the same account again
      st.account_id = std::move(st.retry_account_id);
      st.retry_account_id.clear();
      return FilterStatus::Continue;
    }
    const std::vector<std::string>& providers = providers_.forRequest(st);
    if (AccountPool* pool = cb.server().pool.get()) {
      int64_t now = unixTimeMs();
      if (PoolAccount* a =
              pool->pick(providers, st.model, st.excluded_accounts, st.sticky_account_id, now)) {
        st.account_id = a->id();
        return FilterStatus::Continue;
      }
      return panic(cb, *pool, providers, now);
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
  // Panic mode: every candidate is cooling down for a transient reason; probe the one whose
  // cooldown ends first (a success clears it). Out of line, apart from the request path.
  [[gnu::cold, gnu::noinline]] static FilterStatus panic(FilterCallbacks& cb, AccountPool& pool,
                                                         const std::vector<std::string>& providers,
                                                         int64_t now) {
    RequestState& st = cb.state();
    if (PoolAccount* a = pool.pickProbe(providers, st.model, st.excluded_accounts, now)) {
      logf(LogLevel::kInfo, "failover", "panic mode: probing account %s", a->id().c_str());
      st.account_id = a->id();
      st.probe = true;
      return FilterStatus::Continue;
    }
    return nothingCanServe(cb, pool, providers, now);
  }

  // Nothing to attempt: 429 when rate limits are what stands in the way, 503 naming an
  // account's state when credentials or billing do, else 503 "no available account"; each with
  // retry-after when some cooldown or limit ends.
  [[gnu::cold, gnu::noinline]] static FilterStatus nothingCanServe(
      FilterCallbacks& cb, const AccountPool& pool, const std::vector<std::string>& providers,
      int64_t now) {
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

  [[gnu::cold, gnu::noinline]] static FilterStatus noAccount(
      FilterCallbacks& cb, const std::vector<std::string>& providers) {
    cb.sendError(503, noAccountMessage(cb, providers));
    return FilterStatus::Stop;
  }

  const ProviderChoice& providers_;
};

class AccountSelectFactory final : public FilterFactory {
 public:
  AccountSelectFactory(std::vector<std::string> providers, const ServerContext& server)
      : providers_(std::move(providers), server) {}
  std::unique_ptr<Filter> create() const override {
    return std::make_unique<AccountSelectFilter>(providers_);
  }
  FilterPlacement placement() const override { return FilterPlacement::AttemptStart; }

 private:
  ProviderChoice providers_;
};

}  // namespace

std::unique_ptr<FilterFactory> buildAccountSelectFilter(const FilterSpec& spec,
                                                        const ServerContext& server,
                                                        std::string* error) {
  std::vector<std::string> providers;
  if (spec.config && !spec.config.IsNull()) {
    const YAML::Node& p = spec.config["providers"];
    if (!spec.config.IsMap() || spec.config.size() != 1 || !p || !p.IsSequence()) {
      *error = "expected {providers: [name, ...]}";
      return nullptr;
    }
    for (const auto& v : p) providers.push_back(v.as<std::string>());
  }
  return std::make_unique<AccountSelectFactory>(std::move(providers), server);
}

}  // namespace relay
