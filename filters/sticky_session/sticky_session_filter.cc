#include "filters/sticky_session/sticky_session_filter.h"

#include <algorithm>

#include "core/accounts/account_pool.h"
#include "core/accounts/sticky_store.h"
#include "core/loop/clock.h"
#include "core/server_context.h"
#include "filters/factory.h"
#include "filters/sticky_session/session_key.h"

namespace relay {

namespace {

class StickySessionFilter final : public Filter {
 public:
  FilterStatus onRequest(FilterCallbacks& cb) override {
    RequestState& st = cb.state();
    deriveSessionKey(cb.request(), st.format, st.key_id, &st.body_skim, st.session_key);
    StickyStore* sticky = cb.server().sticky.get();
    if (!st.session_key.empty() && sticky) {
      int64_t now = unixTimeMs();
      if (auto bound = sticky->lookup(st.session_key, now)) st.sticky_account_id = *bound;
    }
    return FilterStatus::Continue;
  }

  // On the way back: a provider's success binds the session to the account that served it,
  // unless the bound account failed over on a blip and is still usable (not ejected, limited or
  // disabled): the session goes back to it next time, keeping its prompt cache.
  ResponseRole responseRole() const override { return ResponseRole::Observe; }
  void observeHeaders(FilterCallbacks& cb, const ResponseHead& head) override {
    RequestState& st = cb.state();
    StickyStore* sticky = cb.server().sticky.get();
    if (head.local || head.status >= 400 || st.session_key.empty() || !sticky ||
        st.account_id.empty() || st.sticky_account_id == st.account_id || boundSurvivesBlip(cb))
      return;
    sticky->bind(st.session_key, st.account_id, unixTimeMs());
    st.sticky_account_id = st.account_id;
  }

 private:
  static bool boundSurvivesBlip(FilterCallbacks& cb) {
    const RequestState& st = cb.state();
    AccountPool* pool = cb.server().pool.get();
    if (st.sticky_account_id.empty() || !pool) return false;
    const auto& tried = st.excluded_accounts;
    if (std::find(tried.begin(), tried.end(), st.sticky_account_id) == tried.end()) return false;
    PoolAccount* bound = pool->find(st.sticky_account_id);
    return bound && pool->usable(*bound, st.model, unixTimeMs());
  }
};

}  // namespace

std::unique_ptr<FilterFactory> buildStickySessionFilter(const FilterSpec& spec,
                                                        const ServerContext&, std::string* error) {
  if (!expectNoFilterConfig(spec, error)) return nullptr;
  return std::make_unique<LambdaFilterFactory>(
      [] { return std::make_unique<StickySessionFilter>(); });
}

}  // namespace relay
