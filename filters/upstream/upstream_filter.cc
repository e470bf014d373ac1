#include "filters/upstream/upstream_filter.h"

#include <chrono>

#include "core/accounts/account_pool.h"
#include "core/accounts/sticky_store.h"
#include "core/chain/route_table.h"
#include "core/net/upstream/upstream_client.h"
#include "core/obs/log.h"
#include "core/obs/relay_metrics.h"
#include "core/provider/provider_set.h"
#include "core/server_context.h"
#include "core/store/usage_repo.h"
#include "filters/factory.h"
#include "filters/upstream/upstream_attempt.h"

namespace relay {

namespace {

class UpstreamFilterFactory final : public FilterFactory {
 public:
  explicit UpstreamFilterFactory(const ServerContext& server) : server_(server) {}
  std::unique_ptr<Filter> create() const override { return makeUpstreamAttemptFilter(server_); }

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
