#include "filters/route/route_filter.h"

#include <map>

#include "core/formats/model_path.h"
#include "core/json/json_view.h"
#include "core/json/skim.h"

namespace relay {

namespace {

using ModelMap = std::map<std::string, std::string, std::less<>>;

class RouteFilter final : public Filter {
 public:
  explicit RouteFilter(const ModelMap& map) : map_(map) {}

  FilterStatus onRequest(FilterCallbacks& cb) override {
    Request& req = cb.request();
    RequestState& st = cb.state();
    if (req.method == "POST") {
      if (req.body.empty()) {
        cb.sendError(400, "request body is empty; expected a JSON object");
        return FilterStatus::Stop;
      }
      // The one pass over the body: later filters read st.body_skim instead of parsing again.
      st.body_skim = json::skimObject(req.body, json::spareSkimMembers());
      if (!st.body_skim.ok) {
        cb.sendError(400, st.body_skim.error);
        return FilterStatus::Stop;
      }
      json::JsonView(st.body_skim.member("model")).assignStringTo(st.model);  // memory reused
      st.stream = json::JsonView(st.body_skim.member("stream")).isTrue();
    }
    formats::PathModel in_path = formats::modelFromPath(st.format, req.path());
    if (in_path.model) st.model = *in_path.model;
    if (in_path.stream) st.stream = *in_path.stream;
    // Kept apart only when the map changes it: one copy of the name less per request.
    if (auto it = map_.find(st.model); it != map_.end()) {
      st.requested_model = std::move(st.model);
      st.model = it->second;
    }
    return FilterStatus::Continue;
  }

 private:
  const ModelMap& map_;
};

class RouteFilterFactory final : public FilterFactory {
 public:
  explicit RouteFilterFactory(ModelMap map) : map_(std::move(map)) {}
  std::unique_ptr<Filter> create() const override { return std::make_unique<RouteFilter>(map_); }

 private:
  ModelMap map_;
};

}  // namespace

std::unique_ptr<FilterFactory> buildRouteFilter(const FilterSpec& spec, const ServerContext&,
                                                std::string* error) {
  ModelMap map;
  if (spec.config && !spec.config.IsNull()) {
    if (!spec.config.IsMap()) {
      *error = "expected a map with optional key model_map";
      return nullptr;
    }
    for (const auto& kv : spec.config) {
      std::string key = kv.first.as<std::string>();
      if (key != "model_map" || !kv.second.IsMap()) {
        *error = key == "model_map" ? "model_map: expected a map of model -> model"
                                    : "unknown key '" + key + "' (expected: model_map)";
        return nullptr;
      }
      for (const auto& m : kv.second) map[m.first.as<std::string>()] = m.second.as<std::string>();
    }
  }
  return std::make_unique<RouteFilterFactory>(std::move(map));
}

}  // namespace relay
