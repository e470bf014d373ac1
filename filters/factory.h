// A filter factory that needs nothing but a way to make instances.
#pragma once

#include <functional>
#include <memory>

#include "core/chain/filter.h"

namespace relay {

class LambdaFilterFactory final : public FilterFactory {
 public:
  explicit LambdaFilterFactory(std::function<std::unique_ptr<Filter>()> make)
      : make_(std::move(make)) {}
  std::unique_ptr<Filter> create() const override { return make_(); }

 private:
  std::function<std::unique_ptr<Filter>()> make_;
};

// True when a filter's YAML is absent or an empty map; else sets *error.
bool expectNoFilterConfig(const FilterSpec& spec, std::string* error);

}  // namespace relay
