#include "core/chain/filter_chain.h"

namespace relay {

namespace {
std::string where(const ConfigMark& m) {
  if (m.file.empty()) return "";
  return m.file + ":" + std::to_string(m.line) + ":" + std::to_string(m.column) + ": ";
}
}  // namespace

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
    factory->contribute(chain->traits_);
    chain->names_.push_back(spec.name);
    chain->factories_.push_back(std::move(factory));
  }
  return chain;
}

std::vector<std::unique_ptr<Filter>> FilterChainFactory::createFilters() const {
  std::vector<std::unique_ptr<Filter>> out;
  out.reserve(factories_.size());
  for (const auto& f : factories_) out.push_back(f->create());
  return out;
}

}  // namespace relay
