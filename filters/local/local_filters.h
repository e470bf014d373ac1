// Requests the relay answers itself: health, metrics and fixed replies.
#pragma once

#include "core/chain/filter.h"

namespace relay {

// server.metrics_token: true when it is unset, or the request carries
// "Authorization: Bearer <token>" with it (compared in constant time).
bool metricsTokenPresented(const ServerContext& server, const Request& req);

std::unique_ptr<FilterFactory> buildHealthFilter(const FilterSpec& spec,
                                                 const ServerContext& server, std::string* error);
std::unique_ptr<FilterFactory> buildMetricsFilter(const FilterSpec& spec,
                                                  const ServerContext& server, std::string* error);
// `ok`: {status: 200, body: "{}", content_type: application/json}, all optional.
std::unique_ptr<FilterFactory> buildLocalReplyFilter(const FilterSpec& spec,
                                                     const ServerContext& server,
                                                     std::string* error);

}  // namespace relay
