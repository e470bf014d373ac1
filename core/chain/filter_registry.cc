#include "core/chain/filter_registry.h"

namespace relay {

void FilterRegistry::add(const std::string& name, FilterFactoryBuilder builder) {
  builders_[name] = std::move(builder);
}

const FilterFactoryBuilder* FilterRegistry::find(const std::string& name) const {
  auto it = builders_.find(name);
  return it == builders_.end() ? nullptr : &it->second;
}

std::vector<std::string> FilterRegistry::names() const {
  std::vector<std::string> out;
  for (const auto& [name, _] : builders_) out.push_back(name);
  return out;
}

}  // namespace relay
