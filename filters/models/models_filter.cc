#include "filters/models/models_filter.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "core/accounts/account_pool.h"
#include "core/chain/route_table.h"
#include "core/loop/clock.h"
#include "core/plugin/host_handles.h"
#include "core/provider/provider_set.h"
#include "core/server_context.h"
#include "filters/factory.h"
#include "filters/provider/serving_providers.h"

namespace relay {

namespace {

struct ModelList final : relay_host_model_list {
  std::vector<std::pair<std::string, std::string>> models;
  int addModel(std::string_view id, std::string_view name) override {
    models.emplace_back(id, name);
    return RELAY_OK;
  }
};

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void str(Writer& w, std::string_view s) {
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

// `GET {base_url}/models?client_version=…` asks for a coding agent's model catalogue shape
// (PROTOCOLS C4), not a plain list.
void renderCatalogue(Writer& w, const ModelList& list) {
  str(w, "models");
  w.StartArray();
  int priority = 0;
  for (const auto& [id, name] : list.models) {
    w.StartObject();
    str(w, "slug"), str(w, id);
    str(w, "display_name"), str(w, name);
    str(w, "description"), str(w, name);
    str(w, "default_reasoning_level"), str(w, "medium");
    str(w, "supported_reasoning_levels");
    w.StartArray();
    for (const char* effort : {"low", "medium", "high"}) {
      w.StartObject();
      str(w, "effort"), str(w, effort);
      str(w, "description"), str(w, effort);
      w.EndObject();
    }
    w.EndArray();
    str(w, "visibility"), str(w, "list");
    str(w, "supported_in_api"), w.Bool(true);
    str(w, "priority"), w.Int(priority++);
    str(w, "context_window"), w.Int64(200000);
    w.EndObject();
  }
  w.EndArray();
}

std::string render(WireFormat f, bool catalogue, const ModelList& list) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  if (catalogue && f != WireFormat::Gemini) {
    renderCatalogue(w, list);
  } else if (f == WireFormat::Gemini) {
    str(w, "models");
    w.StartArray();
    for (const auto& [id, name] : list.models) {
      w.StartObject();
      str(w, "name"), str(w, "models/" + id);
      str(w, "displayName"), str(w, name);
      str(w, "supportedGenerationMethods");
      w.StartArray();
      str(w, "generateContent"), str(w, "streamGenerateContent");
      w.EndArray();
      w.EndObject();
    }
    w.EndArray();
  } else if (f == WireFormat::Anthropic) {
    str(w, "data");
    w.StartArray();
    for (const auto& [id, name] : list.models) {
      w.StartObject();
      str(w, "type"), str(w, "model");
      str(w, "id"), str(w, id);
      str(w, "display_name"), str(w, name);
      str(w, "created_at"), str(w, "2025-01-01T00:00:00Z");
      w.EndObject();
    }
    w.EndArray();
    str(w, "has_more"), w.Bool(false);
    str(w, "first_id");
    list.models.empty() ? w.Null() : (str(w, list.models.front().first), true);
    str(w, "last_id");
    list.models.empty() ? w.Null() : (str(w, list.models.back().first), true);
  } else {
    str(w, "object"), str(w, "list");
    str(w, "data");
    w.StartArray();
    for (const auto& [id, name] : list.models) {
      w.StartObject();
      str(w, "id"), str(w, id);
      str(w, "object"), str(w, "model");
      str(w, "created"), w.Int64(1735689600);
      str(w, "owned_by"), str(w, "relay");
      w.EndObject();
    }
    w.EndArray();
  }
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

class ModelsFilter final : public Filter {
 public:
  FilterStatus onRequest(FilterCallbacks& cb) override {
    const ServerContext& s = cb.server();
    const RequestState& st = cb.state();
    ModelList list;
    std::string served_by;
    const std::vector<std::string> providers = servingProviders(s, st);
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
    WireFormat shape = modelListFormat(st.format, cb.request().headers);
    bool catalogue = !cb.request().queryParam("client_version").empty();
    cb.sendLocalReply(200, "application/json", render(shape, catalogue, list));
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
