#include "filters/factory.h"

namespace relay {

bool expectNoFilterConfig(const FilterSpec& spec, std::string* error) {
  if (!spec.config || spec.config.IsNull() || (spec.config.IsMap() && spec.config.size() == 0))
    return true;
  *error = "this filter takes no configuration";
  return false;
}

}  // namespace relay
