#include "filters/account_select/account_select_filter.h"

#include <algorithm>

#include "core/accounts/account_pool.h"
#include "core/loop/clock.h"
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
      return noAccount(cb, providers);
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
  static FilterStatus noAccount(FilterCallbacks& cb, const std::vector<std::string>& providers) {
    std::string names;
    for (const auto& p : providers) names += (names.empty() ? "" : " or ") + p;
    if (names.empty()) names = "(none configured for this route)";
    std::string why = "no available account for provider " + names;
    if (!cb.state().excluded_accounts.empty())
      why +=
          " (" + std::to_string(cb.state().excluded_accounts.size()) + " failed for this request)";
    cb.sendError(503, why);
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
