#include "filters/models/models_filter.h"

#include "core/accounts/account_pool.h"
#include "core/chain/route_table.h"
#include "core/formats/model_list.h"
#include "core/loop/clock.h"
#include "core/plugin/host_handles.h"
#include "core/provider/provider_set.h"
#include "core/server_context.h"
#include "filters/factory.h"
#include "filters/provider/serving_providers.h"

namespace relay {

namespace {

struct ModelList final : relay_host_model_list {
  formats::ModelEntries models;
  int addModel(std::string_view id, std::string_view name) override {
    models.emplace_back(id, name);
    return RELAY_OK;
  }
};

class ModelsFilter final : public Filter {
 public:
  FilterStatus onRequest(FilterCallbacks& cb) override {
    const ServerContext& s = cb.server();
    RequestState& st = cb.state();
    ModelList list;
    std::string served_by;
    const std::vector<std::string> providers = servingProviders(s, st);  // by the route's format
    // The list's shape is the client's format from here on, errors included.
    st.format = formats::modelListFormat(st.format, cb.request(), st.key_place);
    if (s.pool && s.providers) {
      int64_t now = unixTimeMs();
      for (const auto& provider : providers) {
        for (const auto& snap : s.pool->snapshot(now)) {
          PoolAccount* pa = s.pool->find(snap.id);
          ProviderAccount* acc = s.providers->find(snap.id);
          if (!pa || !acc || pa->provider() != provider || !s.pool->usable(*pa, "", now)) continue;
          const relay_plugin_t& p = acc->plugin().table();
          if (!RELAY_PLUGIN_HAS(&p, list_models)) continue;
          p.list_models(acc->handle(), &list);
          served_by = provider;
          break;
        }
        if (!served_by.empty()) break;
      }
    }
    if (served_by.empty()) {
      std::string names;
      for (const auto& p : providers) names += (names.empty() ? "" : " or ") + p;
      cb.sendError(503, "no available account for provider " + names);
      return FilterStatus::Stop;
    }
    bool catalogue = !cb.request().queryParam("client_version").empty();
    cb.sendLocalReply(200, "application/json",
                      formats::renderModelList(st.format, list.models, catalogue));
    return FilterStatus::Stop;
  }
};

}  // namespace

std::unique_ptr<FilterFactory> buildModelsFilter(const FilterSpec& spec, const ServerContext&,
                                                 std::string* error) {
  if (!expectNoFilterConfig(spec, error)) return nullptr;
  return std::make_unique<LambdaFilterFactory>([] { return std::make_unique<ModelsFilter>(); });
}

}  // namespace relay
