// Requests the relay answers itself: health, metrics and fixed replies.
#pragma once

#include "core/chain/filter.h"

namespace relay {

std::unique_ptr<FilterFactory> buildHealthFilter(const FilterSpec& spec,
                                                 const ServerContext& server, std::string* error);
std::unique_ptr<FilterFactory> buildMetricsFilter(const FilterSpec& spec,
                                                  const ServerContext& server, std::string* error);
// `ok`: {status: 200, body: "{}", content_type: application/json}, all optional.
std::unique_ptr<FilterFactory> buildLocalReplyFilter(const FilterSpec& spec,
                                                     const ServerContext& server,
                                                     std::string* error);

}  // namespace relay
