// What filters learn about a request as it passes through the chain.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/formats/client_key.h"
#include "core/formats/wire_format.h"
#include "core/json/skim.h"

namespace relay {

struct Route;
class ProviderAccount;

// Token counts the provider reported for the answer the client got.
struct TokenUsage {
  bool seen = false;
  std::string model;  // the model that served
  int64_t input_tokens = 0;
  int64_t output_tokens = 0;
  int64_t cache_creation_tokens = 0;
  int64_t cache_read_tokens = 0;
};

struct RequestState {
  // ---- per request ----
  const Route* route = nullptr;
  WireFormat format = kDefaultWireFormat;  // the client's wire format
  std::string key_id;                      // which relay key authenticated (never the key)
  // Where the client put its key, read by the auth filter before it removes the key headers (a
  // model list's shape depends on it); kNone without an auth filter or a key.
  formats::KeyPlace key_place = formats::KeyPlace::kNone;
  std::string session_key;      // sticky-session key, if any
  std::string requested_model;  // the model as the client named it, when the route's model map
                                // changed it; else empty (the client named `model`)
  std::string model;            // requested model after the route's model map
  bool stream = false;
  json::ObjectSkim body_skim;     // the route filter's one pass over a JSON body (views into it)
  std::string sticky_account_id;  // bound by an earlier request of the session
  std::vector<std::string> excluded_accounts;  // failed earlier in this request
  int attempt = 0;                             // attempts that failed so far
  bool force_refreshed = false;                // one forced credential refresh per request
  uint64_t start_ns = 0;                       // uv_hrtime() at request start
  bool observed = false;  // the chain's observer recorded the exchange (access log, metrics, usage)

  // ---- set by failover for the next attempt ----
  std::string retry_account_id;       // serve the next attempt with this account again
  bool refresh_before_send = false;   // the next attempt refreshes credentials first
  bool retried_same_account = false;  // the one same-account retry of this account is used
  int64_t backoff_waited_ms = 0;      // spent in same-account backoffs after transient failures

  // ---- per attempt (reset when an attempt starts) ----
  std::string account_id;  // account serving the attempt
  // account_id's provider account, once the upstream filter looked it up (later filters read it
  // instead of looking it up again); null before.
  ProviderAccount* provider_account = nullptr;
  std::string provider;  // the plugin serving account_id
  bool probe = false;    // panic mode: account_id is cooling down and is tried as a probe
  WireFormat upstream_format = kDefaultWireFormat;  // the body's format after translate
  std::string upstream_model;  // the model the upstream is asked for (route + account maps) when
                               // the account's map changed `model`; else empty (it is `model`)
  TokenUsage usage;            // reported by the provider's response observer
};

}  // namespace relay
