// `observe`: the filter every chain begins with (the built-in chains list it first; a declared
// chain may list it, first only, and gets it put first when it does not). On the way back it is the
// last filter before the client, so it sees the answer exactly as the client gets it, without
// copying it: the status, the body bytes, and whether it ended. When the answer ends it records the
// request metrics, the access log line and the usage (exchange_record.h); an answer that broke or
// never came is recorded by the stream when it finishes (core/request_finish.h), as is a request no
// route matched.
#pragma once

#include <memory>

#include "core/chain/filter.h"

namespace relay {

inline constexpr const char* kObserveFilterName = "observe";

std::unique_ptr<FilterFactory> makeExchangeObserverFactory();
// The YAML entry `observe` (no configuration); it must be the chain's first filter.
std::unique_ptr<FilterFactory> buildObserveFilter(const FilterSpec& spec,
                                                  const ServerContext& server, std::string* error);

}  // namespace relay
