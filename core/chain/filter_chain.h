// A named, configured chain: the factories of its filters, built once from YAML.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/chain/filter_registry.h"

namespace relay {

class FilterChainFactory {
 public:
  // Builds every filter factory of the chain; on failure returns nullptr and sets *error to
  // "file:line:col: filter_chains.NAME[i]: ...". Checks placement: per-attempt filters after
  // the attempt start, nothing after a terminal filter.
  static std::unique_ptr<FilterChainFactory> build(const ChainConfig& config,
                                                   const FilterRegistry& registry,
                                                   const ServerContext& server, std::string* error);

  // Puts an always-on filter (the observers) in front of the declared ones; it runs once per
  // request and, on the way back, is the last filter before the client.
  void prepend(std::string name, std::unique_ptr<FilterFactory> factory);

  const std::string& name() const { return name_; }
  const std::vector<std::string>& filterNames() const { return names_; }
  std::vector<std::unique_ptr<Filter>> createFilters() const;
  const ChainTraits& traits() const { return traits_; }
  bool hasAttemptStart() const { return has_attempt_start_; }
  // Index of the filter that starts an attempt, or filterNames().size() when none does.
  size_t attemptStart() const { return attempt_start_; }
  std::unique_ptr<Filter> createFilter(size_t index) const { return factories_[index]->create(); }

 private:
  std::string name_;
  std::vector<std::string> names_;
  std::vector<std::unique_ptr<FilterFactory>> factories_;
  ChainTraits traits_;
  size_t attempt_start_ = 0;
  bool has_attempt_start_ = false;
  bool terminal_ = false;

  static std::string placementError(FilterPlacement p, const std::string& name,
                                    const FilterChainFactory& so_far);
};

}  // namespace relay
