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
  // "file:line:col: filter_chains.NAME[i]: ...".
  static std::unique_ptr<FilterChainFactory> build(const ChainConfig& config,
                                                   const FilterRegistry& registry,
                                                   const ServerContext& server, std::string* error);

  const std::string& name() const { return name_; }
  const std::vector<std::string>& filterNames() const { return names_; }
  std::vector<std::unique_ptr<Filter>> createFilters() const;
  const ChainTraits& traits() const { return traits_; }

 private:
  std::string name_;
  std::vector<std::string> names_;
  std::vector<std::unique_ptr<FilterFactory>> factories_;
  ChainTraits traits_;
};

}  // namespace relay
