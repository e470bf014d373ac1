// Filter name -> factory builder. The YAML filter list only looks names up here.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/chain/filter.h"

namespace relay {

class FilterRegistry {
 public:
  void add(const std::string& name, FilterFactoryBuilder builder);
  const FilterFactoryBuilder* find(const std::string& name) const;
  std::vector<std::string> names() const;

 private:
  std::map<std::string, FilterFactoryBuilder> builders_;
};

}  // namespace relay
