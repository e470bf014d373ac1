// What filters learn about a request as it passes through the chain.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/http/wire_format.h"

namespace relay {

struct Route;

struct RequestState {
  const Route* route = nullptr;
  WireFormat format = WireFormat::Anthropic;
  std::string key_id;       // which relay key authenticated (never the key itself)
  std::string session_key;  // sticky-session key, if any
  std::string account_id;   // account serving the request
  std::string model;
  bool stream = false;
  std::string sticky_account_id;               // bound by an earlier request of the session
  std::vector<std::string> excluded_accounts;  // failed earlier in this request
  int attempt = 0;                             // accounts tried so far
  bool force_refreshed = false;                // an upstream 401 already forced a refresh
  uint64_t start_ns = 0;                       // uv_hrtime() at request start
};

}  // namespace relay
