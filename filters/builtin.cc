#include "filters/builtin.h"

#include "filters/account_select/account_select_filter.h"
#include "filters/auth/auth_filter.h"
#include "filters/failover/failover_filter.h"
#include "filters/local/local_filters.h"
#include "filters/models/models_filter.h"
#include "filters/observe/exchange_observer.h"
#include "filters/proxy/proxy_filter.h"
#include "filters/route/route_filter.h"
#include "filters/sticky_session/sticky_session_filter.h"
#include "filters/translate/translate_filter.h"
#include "filters/upstream/upstream_filter.h"

namespace relay {

void registerBuiltinFilters(FilterRegistry& registry) {
  registry.add("auth", &buildAuthFilter);
  registry.add("route", &buildRouteFilter);
  registry.add("account_select", &buildAccountSelectFilter);
  registry.add("health", &buildHealthFilter);
  registry.add("metrics", &buildMetricsFilter);
  registry.add("ok", &buildLocalReplyFilter);
  registry.add("proxy", &buildProxyFilter);
  registry.add("sticky_session", &buildStickySessionFilter);
  registry.add("upstream", &buildUpstreamFilter);
  registry.add("failover", &buildFailoverFilter);
  registry.add("translate", &buildTranslateFilter);
  registry.add("models", &buildModelsFilter);
  registry.add(kObserveFilterName, &buildObserveFilter);
}

}  // namespace relay
