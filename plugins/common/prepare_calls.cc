#include "prepare_calls.h"

namespace relay::plugin_common {

std::string forwardedQuery(std::string_view query) {
  std::string out;
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view param = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    std::string_view name = param.substr(0, param.find('='));
    if (param.empty() || name == "key") continue;
    if (!out.empty()) out.push_back('&');
    out.append(param);
  }
  return out;
}

}  // namespace relay::plugin_common
