#include "core/formats/default_routes.h"

namespace relay::formats {

namespace {

// Built-in routes name no provider: whoever serves the format (see servingProviders) may.
DefaultRoute route(std::string path, std::vector<std::string> methods, std::string chain,
                   std::string format) {
  return DefaultRoute{std::move(path), std::move(methods), std::move(chain), std::move(format)};
}

}  // namespace

std::vector<DefaultRoute> defaultRoutes() {
  std::vector<DefaultRoute> out = {
      route("/", {"HEAD", "GET"}, "ok", "anthropic"),
      route("/health", {"GET"}, "health", "anthropic"),
      route("/metrics", {"GET"}, "metrics", "anthropic"),
      route("/api/event_logging/batch", {"POST"}, "ok", "anthropic"),
      route("/openai/v1/chat/completions", {"POST"}, "openai_chat", "openai-chat"),
      route("/openai/v1/models", {"GET"}, "openai_models", "openai-chat"),
      route("/openai/v1/responses", {"POST"}, "openai_responses", "openai-responses"),
      route("/openai/responses", {"POST"}, "openai_responses", "openai-responses"),
      route("/v1/chat/completions", {"POST"}, "openai_chat", "openai-chat"),
      route("/v1/responses", {"POST"}, "openai_responses", "openai-responses"),
      route("/gemini/v1/models", {"GET"}, "gemini_models", "gemini"),
      route("/gemini/v1beta/models", {"GET"}, "gemini_models", "gemini"),
      route("/gemini/v1/models/*", {"POST"}, "gemini", "gemini"),
      route("/gemini/v1beta/models/*", {"POST"}, "gemini", "gemini"),
      // Code Assist pass-through: methods (POST, and GET getCodeAssistGlobalUserSetting) and
      // long-running operations (GET /v1internal/operations/...).
      route("/gemini/v1internal:*", {"POST", "GET"}, "gemini", "gemini"),
      route("/gemini/v1internal/*", {"GET"}, "gemini", "gemini"),
  };
  for (const char* prefix : {"/api/v1", "/claude/v1", "/v1"}) {
    std::string p = prefix;
    out.push_back(route(p + "/messages", {"POST"}, "anthropic", "anthropic"));
    out.push_back(
        route(p + "/messages/count_tokens", {"POST"}, "anthropic_count_tokens", "anthropic"));
    out.push_back(route(p + "/models", {"GET"}, "anthropic_models", "anthropic"));
  }
  return out;
}

std::vector<DefaultChain> defaultChains() {
  return {
      {"anthropic",
       {"observe", "auth", "route", "sticky_session", "account_select", "translate", "failover",
        "upstream"}},
      {"anthropic_count_tokens",
       {"observe", "auth", "route", "account_select", "failover", "upstream"}},
      {"anthropic_models", {"observe", "auth", "models"}},
      {"gemini",
       {"observe", "auth", "route", "sticky_session", "account_select", "translate", "failover",
        "upstream"}},
      {"gemini_models", {"observe", "auth", "models"}},
      {"openai_chat",
       {"observe", "auth", "route", "sticky_session", "account_select", "translate", "failover",
        "upstream"}},
      {"openai_models", {"observe", "auth", "models"}},
      {"openai_responses",
       {"observe", "auth", "route", "sticky_session", "account_select", "translate", "failover",
        "upstream"}},
      {"health", {"observe", "health"}},
      {"metrics", {"observe", "metrics"}},
      {"ok", {"observe", "ok"}},
  };
}

bool isDefaultChainName(std::string_view name) {
  for (const DefaultChain& c : defaultChains())
    if (c.name == name) return true;
  return false;
}

}  // namespace relay::formats
