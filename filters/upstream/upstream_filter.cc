#include "filters/upstream/upstream_filter.h"

#include "filters/factory.h"
#include "filters/upstream/upstream_exchange.h"

namespace relay {

namespace {

class UpstreamFilterFactory final : public FilterFactory {
 public:
  explicit UpstreamFilterFactory(const ServerContext& server) : server_(server) {}
  std::unique_ptr<Filter> create() const override { return makeUpstreamExchange(server_); }
  FilterPlacement placement() const override { return FilterPlacement::Terminal; }

 private:
  const ServerContext& server_;
};

}  // namespace

std::unique_ptr<FilterFactory> buildUpstreamFilter(const FilterSpec& spec,
                                                   const ServerContext& server,
                                                   std::string* error) {
  if (!expectNoFilterConfig(spec, error)) return nullptr;
  return std::make_unique<UpstreamFilterFactory>(server);
}

}  // namespace relay
