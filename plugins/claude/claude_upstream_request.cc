#include "claude_upstream_request.h"

#include "host_api.h"

namespace relay::claude {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::optional<std::string> upstreamPath(std::string_view client_path,
                                        std::string_view client_format) {
  if (!client_format.empty() && client_format != "anthropic") return std::string("/v1/messages");
  for (std::string_view prefix : {std::string_view("/api"), std::string_view("/claude")}) {
    if (client_path.substr(0, prefix.size()) == prefix &&
        client_path.substr(prefix.size(), 4) == "/v1/") {
      client_path.remove_prefix(prefix.size());
      break;
    }
  }
  while (client_path.size() > 1 && client_path.back() == '/') client_path.remove_suffix(1);
  if (client_path == "/v1/messages" || client_path == "/v1/messages/count_tokens" ||
      client_path == "/v1/models")
    return std::string(client_path);
  constexpr std::string_view kModelPrefix = "/v1/models/";
  if (client_path.size() > kModelPrefix.size() &&
      client_path.substr(0, kModelPrefix.size()) == kModelPrefix &&
      client_path.find('/', kModelPrefix.size()) == std::string_view::npos)
    return std::string(client_path);
  return std::nullopt;
}

bool isForwardedHeader(std::string_view name) {
  // Runs for every client header: the length picks the one name it can be.
  switch (name.size()) {
    case 5:
      return equalsIgnoreCase(name, "x-app");
    case 6:
      return equalsIgnoreCase(name, "accept");
    case 10:
      return equalsIgnoreCase(name, "user-agent");
    case 12:
      return equalsIgnoreCase(name, "content-type") || equalsIgnoreCase(name, "x-stainless-");
    case 24:
      if (equalsIgnoreCase(name, "x-claude-code-session-id")) return true;
      break;
    case 41:
      if (equalsIgnoreCase(name, "anthropic-dangerous-direct-browser-access")) return true;
      break;
    default:
      break;
  }
  return name.size() > 12 && startsWithIgnoreCase(name, "x-stainless-");
}

std::string oauthBetaList(const std::vector<std::string_view>& client_values) {
  std::string out;
  bool has_oauth = false;
  for (std::string_view value : client_values) {
    while (!value.empty()) {
      size_t comma = value.find(',');
      std::string_view item = trim(value.substr(0, comma));
      value = comma == std::string_view::npos ? std::string_view() : value.substr(comma + 1);
      if (item.empty()) continue;
      has_oauth = has_oauth || item == kOAuthBeta;
      if (!out.empty()) out.push_back(',');
      out.append(item);
    }
  }
  if (!has_oauth) {
    if (!out.empty()) out.push_back(',');
    out.append(kOAuthBeta);
  }
  return out;
}

bool isClaudeCodeClient(const relay_header_t* headers, size_t count) {
  const relay_header_t* app = findHeader(headers, count, "x-app");
  if (app && equalsIgnoreCase(trim(toView(app->value)), "cli")) return true;
  const relay_header_t* agent = findHeader(headers, count, "user-agent");
  return agent && startsWithIgnoreCase(toView(agent->value), "claude-cli/");
}

}  // namespace relay::claude
