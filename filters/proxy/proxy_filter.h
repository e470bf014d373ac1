// `proxy`: forwards the request as-is to a fixed upstream URL and streams the answer back
// (a plain reverse-proxy route; provider routes use `upstream` instead).
//   - proxy: {url: "http://127.0.0.1:8080/base", strip_prefix: true}
#pragma once

#include "core/chain/filter.h"

namespace relay {

std::unique_ptr<FilterFactory> buildProxyFilter(const FilterSpec& spec, const ServerContext& server,
                                                std::string* error);

}  // namespace relay
