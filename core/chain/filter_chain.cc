#include "core/chain/filter_chain.h"

namespace relay {

namespace {
std::string where(const ConfigMark& m) {
  if (m.file.empty()) return "";
  return m.file + ":" + std::to_string(m.line) + ":" + std::to_string(m.column) + ": ";
}
}  // namespace

std::string FilterChainFactory::placementError(FilterPlacement p, const std::string& name,
                                               const FilterChainFactory& so_far) {
  if (so_far.terminal_)
    return "'" + name + "' comes after '" + so_far.names_.back() +
           "', which ends the chain: nothing may follow it";
  if (p == FilterPlacement::Outermost && !so_far.names_.empty())
    return "'" + name +
           "' must be the chain's first filter: it sees the answer as the client gets it, after "
           "every other filter";
  if (p == FilterPlacement::Attempt && !so_far.has_attempt_start_)
    return "'" + name +
           "' runs once per attempt: it must come after the filter that starts the attempt "
           "(account_select)";
  return "";
}

std::unique_ptr<FilterChainFactory> FilterChainFactory::build(const ChainConfig& config,
                                                              const FilterRegistry& registry,
                                                              const ServerContext& server,
                                                              std::string* error) {
  auto chain = std::make_unique<FilterChainFactory>();
  chain->name_ = config.name;
  for (size_t i = 0; i < config.filters.size(); ++i) {
    const FilterSpec& spec = config.filters[i];
    std::string path = "filter_chains." + config.name + "[" + std::to_string(i) + "]";
    const FilterFactoryBuilder* builder = registry.find(spec.name);
    if (!builder) {
      std::string known;
      for (const auto& n : registry.names()) known += (known.empty() ? "" : ", ") + n;
      *error =
          where(spec.mark) + path + ": unknown filter '" + spec.name + "' (known: " + known + ")";
      return nullptr;
    }
    std::string why;
    auto factory = (*builder)(spec, server, &why);
    if (!factory) {
      *error = where(spec.mark) + path + " (" + spec.name + "): " + why;
      return nullptr;
    }
    FilterPlacement placement = factory->placement();
    std::string misplaced = placementError(placement, spec.name, *chain);
    if (!misplaced.empty()) {
      *error = where(spec.mark) + path + ": " + misplaced;
      return nullptr;
    }
    if (placement == FilterPlacement::AttemptStart && !chain->has_attempt_start_) {
      chain->has_attempt_start_ = true;
      chain->attempt_start_ = i;
    }
    chain->terminal_ = placement == FilterPlacement::Terminal;
    factory->contribute(chain->traits_);
    chain->names_.push_back(spec.name);
    chain->factories_.push_back(std::move(factory));
  }
  if (!chain->has_attempt_start_) chain->attempt_start_ = chain->names_.size();
  return chain;
}

void FilterChainFactory::prepend(std::string name, std::unique_ptr<FilterFactory> factory) {
  factory->contribute(traits_);
  names_.insert(names_.begin(), std::move(name));
  factories_.insert(factories_.begin(), std::move(factory));
  ++attempt_start_;  // also when there is none: it stays names_.size()
}

std::vector<std::unique_ptr<Filter>> FilterChainFactory::createFilters() const {
  std::vector<std::unique_ptr<Filter>> out;
  out.reserve(factories_.size());
  for (const auto& f : factories_) out.push_back(f->create());
  return out;
}

}  // namespace relay
