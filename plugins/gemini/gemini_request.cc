#include "gemini_request.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "bounded_json.h"
#include "gemini_host.h"

namespace relay::gemini {

std::optional<GeminiCall> parseClientPath(std::string_view path) {
  if (path.starts_with("/gemini/")) path.remove_prefix(7);
  GeminiCall call;
  constexpr std::string_view kInternal = "/v1internal:";
  if (path.starts_with(kInternal)) {
    call.code_assist = true;
    call.method = std::string(path.substr(kInternal.size()));
    return call.method.empty() ? std::nullopt : std::optional<GeminiCall>(call);
  }
  constexpr std::string_view kOperation = "/v1internal/";
  if (path.starts_with(kOperation)) {
    call.code_assist = true;
    call.operation = std::string(path.substr(kOperation.size()));
    bool valid = !call.operation.empty() && call.operation.find("..") == std::string::npos;
    return valid ? std::optional<GeminiCall>(call) : std::nullopt;
  }
  if (!path.starts_with("/v1/") && !path.starts_with("/v1beta/")) return std::nullopt;
  path.remove_prefix(1);
  size_t slash = path.find('/');
  call.version = std::string(path.substr(0, slash));
  path.remove_prefix(slash);
  if (!path.starts_with("/models/")) return std::nullopt;
  path.remove_prefix(8);
  size_t colon = path.find(':');
  if (colon == std::string_view::npos || colon == 0 || path.find('/') != std::string_view::npos)
    return std::nullopt;
  call.model = std::string(path.substr(0, colon));
  call.method = std::string(path.substr(colon + 1));
  return call.method.empty() ? std::nullopt : std::optional<GeminiCall>(call);
}

bool wantsSse(std::string_view query) {
  while (!query.empty()) {
    size_t amp = query.find('&');
    if (query.substr(0, amp) == "alt=sse") return true;
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
  }
  return false;
}

bool isForwardedHeader(std::string_view name) {
  for (std::string_view allowed : {"content-type", "accept", "user-agent", "x-goog-api-client"}) {
    if (equalsIgnoreCase(name, allowed)) return true;
  }
  return false;
}

std::string codeAssistEnvelope(std::string_view model, std::string_view project,
                               std::string_view prompt_id, std::string_view body) {
  std::string out = R"({"model":)" + jsonString(model);
  if (!project.empty()) out += R"(,"project":)" + jsonString(project);
  out += R"(,"user_prompt_id":)" + jsonString(prompt_id) + R"(,"request":)";
  out.append(body.empty() ? std::string_view("{}") : body);
  out.push_back('}');
  return out;
}

std::optional<std::string> codeAssistCountTokens(std::string_view model, std::string_view body) {
  rapidjson::Document doc;
  if (parseBoundedJson(body, doc) != JsonParse::kOk || !doc.IsObject()) return std::nullopt;
  std::string contents = "[]";
  auto it = doc.FindMember("contents");
  if (it != doc.MemberEnd()) {
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
    it->value.Accept(w);
    contents.assign(buffer.GetString(), buffer.GetSize());
  }
  return R"({"request":{"model":)" + jsonString("models/" + std::string(model)) +
         R"(,"contents":)" + contents + "}}";
}

}  // namespace relay::gemini
