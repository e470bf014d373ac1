#include <doctest/doctest.h>

#include "core/chain/route_table.h"
#include "core/http/request.h"

using namespace relay;

namespace {
Route route(std::string path, std::vector<std::string> methods, std::string chain) {
  Route r;
  r.prefix = path.ends_with('*');
  r.path = r.prefix ? path.substr(0, path.size() - 1) : path;
  r.methods = std::move(methods);
  r.chain_name = std::move(chain);
  return r;
}
}  // namespace

TEST_CASE("exact paths win over prefixes, longer prefixes over shorter") {
  RouteTable t;
  t.add(route("/gemini/*", {"POST"}, "short"));
  t.add(route("/gemini/v1beta/models/*", {"POST"}, "long"));
  t.add(route("/gemini/v1beta/models/special", {"POST"}, "exact"));
  RouteLookup why;
  CHECK(t.match("POST", "/gemini/v1beta/models/x:generateContent", &why)->chain_name == "long");
  CHECK(t.match("POST", "/gemini/other", &why)->chain_name == "short");
  CHECK(t.match("POST", "/gemini/v1beta/models/special", &why)->chain_name == "exact");
}

TEST_CASE("a route's metrics label is its path, with '*' for a prefix") {
  RouteTable t;
  t.add(route("/gemini/v1beta/models/*", {"POST"}, "long"));
  t.add(route("/v1/messages", {"POST"}, "anthropic"));
  RouteLookup why;
  CHECK(t.match("POST", "/gemini/v1beta/models/x", &why)->label == "/gemini/v1beta/models/*");
  CHECK(t.match("POST", "/v1/messages", &why)->label == "/v1/messages");
}

TEST_CASE("the query string does not take part in matching") {
  RouteTable t;
  t.add(route("/v1/messages", {"POST"}, "anthropic"));
  Request r;
  r.target = "/v1/messages?beta=true";
  RouteLookup why;
  const Route* m = t.match("POST", r.path(), &why);
  REQUIRE(m != nullptr);
  CHECK(m->chain_name == "anthropic");
}

TEST_CASE("unknown paths and wrong methods are told apart") {
  RouteTable t;
  t.add(route("/v1/messages", {"POST"}, "anthropic"));
  t.add(route("/health", {"GET"}, "health"));
  RouteLookup why;
  CHECK(t.match("GET", "/v1/messages", &why) == nullptr);
  CHECK(why == RouteLookup::MethodNotAllowed);
  CHECK(t.match("POST", "/nope", &why) == nullptr);
  CHECK(why == RouteLookup::NotFound);
  CHECK(t.match("HEAD", "/health", &why) != nullptr);  // HEAD is served where GET is
}

TEST_CASE("the first of two identical routes wins (declared routes precede built-ins)") {
  RouteTable t;
  t.add(route("/v1/messages", {"POST"}, "custom"));
  t.add(route("/v1/messages", {"POST"}, "builtin"));
  RouteLookup why;
  CHECK(t.match("POST", "/v1/messages", &why)->chain_name == "custom");
}

TEST_CASE("the built-in route table serves every endpoint of the README") {
  RouteTable t;
  for (const auto& rc : defaultRouteConfigs()) {
    Route r = route(rc.path, rc.methods, rc.chain);
    t.add(r);
  }
  struct Case {
    const char* method;
    const char* path;
    const char* chain;
  };
  const Case cases[] = {
      {"POST", "/api/v1/messages", "anthropic"},
      {"POST", "/claude/v1/messages", "anthropic"},
      {"POST", "/v1/messages", "anthropic"},
      {"POST", "/v1/messages/count_tokens", "anthropic_count_tokens"},
      {"POST", "/claude/v1/messages/count_tokens", "anthropic_count_tokens"},
      {"GET", "/api/v1/models", "anthropic_models"},
      {"GET", "/v1/models", "anthropic_models"},
      {"POST", "/gemini/v1/models/gemini-2.0-flash:generateContent", "gemini"},
      {"POST", "/gemini/v1beta/models/gemini-2.5-pro:streamGenerateContent", "gemini"},
      {"GET", "/gemini/v1/models", "gemini_models"},
      {"POST", "/openai/v1/chat/completions", "openai_chat"},
      {"GET", "/openai/v1/models", "openai_models"},
      {"POST", "/openai/v1/responses", "openai_responses"},
      {"GET", "/health", "health"},
      {"GET", "/metrics", "metrics"},
      {"HEAD", "/", "ok"},
      {"POST", "/api/event_logging/batch", "ok"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.path);
    RouteLookup why;
    const Route* r = t.match(c.method, c.path, &why);
    REQUIRE(r != nullptr);
    CHECK(r->chain_name == c.chain);
  }
  // Every chain a default route names exists among the default chains.
  for (const auto& rc : defaultRouteConfigs()) {
    bool found = false;
    for (const auto& cc : defaultChainConfigs()) found = found || cc.name == rc.chain;
    CAPTURE(rc.chain);
    CHECK(found);
  }
}
