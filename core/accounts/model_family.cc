#include "core/accounts/model_family.h"

namespace relay {

std::string_view modelFamily(std::string_view model) {
  for (std::string_view family : {"opus", "sonnet", "haiku"}) {
    if (model.find(family) != std::string_view::npos) return family;
  }
  return {};
}

}  // namespace relay
