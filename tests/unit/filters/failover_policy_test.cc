// The host's side of a classified failure: the class (a 1.0 plugin's derived from the status)
// and the rest, proposed by the plugin and capped by the chain's failover configuration.
#include <doctest/doctest.h>

#include "filters/failover/failover_policy.h"
#include "filters/provider/request_view.h"

using namespace relay;

namespace {

relay_action_t action(uint64_t ms, uint32_t failure_class = RELAY_CLASS_NONE) {
  relay_action_t a{};
  a.struct_size = sizeof a;
  a.kind = RELAY_ACTION_COOLDOWN;
  a.ms = ms;
  a.failure_class = failure_class;
  return a;
}

constexpr int64_t kS = 1000;

}  // namespace

TEST_CASE("a 1.0 plugin's class comes from the status") {
  CHECK(failureClass(action(0), 0) == RELAY_CLASS_TRANSIENT);
  CHECK(failureClass(action(0), 503) == RELAY_CLASS_TRANSIENT);
  CHECK(failureClass(action(0), 429) == RELAY_CLASS_RATE_LIMITED);
  CHECK(failureClass(action(0), 401) == RELAY_CLASS_PERMANENT);
  CHECK(failureClass(action(0), 402) == RELAY_CLASS_PERMANENT);
  CHECK(failureClass(action(0), 400) == RELAY_CLASS_NONE);
  CHECK(failureClass(action(0, RELAY_CLASS_RATE_LIMITED), 500) == RELAY_CLASS_RATE_LIMITED);
}

TEST_CASE("the plugin proposes the rest; the failover configuration caps it per class") {
  ChainTraits t;
  t.server_error_cooldown_ms = 2 * kS;
  t.overloaded_cooldown_ms = 3 * kS;
  t.rate_limit_max_cooldown_ms = 4 * kS;
  t.unauthorized_cooldown_ms = 5 * kS;
  t.billing_cooldown_ms = 6 * kS;
  CHECK(cappedRestMs(t, action(60 * kS, RELAY_CLASS_TRANSIENT), 500) == 2 * kS);
  CHECK(cappedRestMs(t, action(300 * kS, RELAY_CLASS_TRANSIENT), 529) == 3 * kS);
  CHECK(cappedRestMs(t, action(1 * kS, RELAY_CLASS_TRANSIENT), 529) == 1 * kS);  // shorter kept
  // A rate limit's proposal is its announced reset: kept up to 8 days, never capped lower.
  CHECK(cappedRestMs(t, action(3600 * kS, RELAY_CLASS_RATE_LIMITED), 429) == 3600 * kS);
  CHECK(cappedRestMs(t, action(30 * 86400 * kS, RELAY_CLASS_RATE_LIMITED), 429) == kMaxResetMs);
  CHECK(cappedRestMs(t, action(0, RELAY_CLASS_RATE_LIMITED), 429) == 4 * kS);  // none announced
  CHECK(cappedRestMs(t, action(1800 * kS, RELAY_CLASS_PERMANENT), 401) == 5 * kS);
  CHECK(cappedRestMs(t, action(3600 * kS, RELAY_CLASS_PERMANENT), 402) == 6 * kS);
  CHECK(cappedRestMs(t, action(0), 0) == 2 * kS);           // nothing proposed: the cap itself
  CHECK(cappedRestMs(t, action(10 * kS), 429) == 10 * kS);  // 1.0: class from the status
}

// The request as classify_answer (and prepare) see it.
TEST_CASE("the provider's request view splits the target and names the client's format") {
  auto text = [](relay_slice_t s) { return std::string(s.ptr, s.len); };
  Request req;
  req.method = "POST";
  req.target = "/v1/messages?beta=true&x=?y";
  req.headers.add("x-a", "1");
  req.headers.add("X-B", "two");
  req.body = "{}";
  RequestState state;
  state.format = WireFormat::OpenAIChat;
  state.model = "asked";
  state.stream = true;
  ProviderRequestView view(req, state);
  const relay_request_view_t& v = *view.get();
  CHECK(text(v.method) == "POST");
  CHECK(text(v.path) == "/v1/messages");
  CHECK(text(v.query) == "beta=true&x=?y");
  CHECK(text(v.client_format) == "openai-chat");
  CHECK(text(v.model) == "asked");
  CHECK(v.stream == 1);
  CHECK(text(v.body) == "{}");
  REQUIRE(v.header_count == 2);
  CHECK(text(v.headers[1].name) == "X-B");
  CHECK(text(v.headers[1].value) == "two");

  req.target = "/plain";
  state.upstream_model = "mapped";
  ProviderRequestView plain(req, state);
  CHECK(text(plain.get()->path) == "/plain");
  CHECK(plain.get()->query.len == 0);
  CHECK(text(plain.get()->model) == "mapped");
  req.target = "/end?";
  ProviderRequestView empty_query(req, state);
  CHECK(text(empty_query.get()->path) == "/end");
  CHECK(empty_query.get()->query.len == 0);
}
