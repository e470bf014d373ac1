#include "core/obs/metrics.h"
#include "core/server_context.h"
#include "filters/factory.h"
#include "filters/local/local_filters.h"

namespace relay {

namespace {

class MetricsFilter final : public Filter {
 public:
  FilterStatus onRequest(FilterCallbacks& cb) override {
    if (!metricsTokenPresented(cb.server(), cb.request())) {
      cb.sendError(401, "metrics need server.metrics_token: send Authorization: Bearer <token>");
      return FilterStatus::Stop;
    }
    cb.sendLocalReply(200, "text/plain; version=0.0.4; charset=utf-8", renderMetrics());
    return FilterStatus::Stop;
  }
};

}  // namespace

std::unique_ptr<FilterFactory> buildMetricsFilter(const FilterSpec& spec, const ServerContext&,
                                                  std::string* error) {
  if (!expectNoFilterConfig(spec, error)) return nullptr;
  return std::make_unique<LambdaFilterFactory>([] { return std::make_unique<MetricsFilter>(); });
}

}  // namespace relay
