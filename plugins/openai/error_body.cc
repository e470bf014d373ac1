#include "error_body.h"

namespace relay::openai {

namespace {

struct TypeMapping {
  const char* anthropic;
  const char* type;
  const char* code;
};

const TypeMapping kMappings[] = {
    {"invalid_request_error", "invalid_request_error", ""},
    {"authentication_error", "authentication_error", "invalid_api_key"},
    {"permission_error", "permission_error", ""},
    {"not_found_error", "not_found_error", ""},
    {"request_too_large", "invalid_request_error", "request_too_large"},
    {"rate_limit_error", "rate_limit_exceeded", "rate_limit_exceeded"},
    {"billing_error", "insufficient_quota", "insufficient_quota"},
    {"api_error", "server_error", ""},
    {"timeout_error", "server_error", "timeout"},
    {"overloaded_error", "server_error", "overloaded"},
};

const char* typeForStatus(int32_t status) {
  switch (status) {
    case 401:
      return "authentication_error";
    case 403:
      return "permission_error";
    case 404:
      return "not_found_error";
    case 429:
      return "rate_limit_exceeded";  // as the relay's own 429s say it (core wire format)
    default:
      return status >= 500 || status == 0 ? "server_error" : "invalid_request_error";
  }
}

}  // namespace

OpenAiError openAiErrorFrom(int32_t status, std::string_view body) {
  OpenAiError e;
  rapidjson::Document doc;
  std::string_view upstream_type;
  if (parseUpstreamJson(body, doc) && doc.IsObject()) {
    const rapidjson::Value* error = member(doc, "error");
    if (error && error->IsObject()) {
      e.message = std::string(stringOr(*error, "message"));
      upstream_type = stringOr(*error, "type");
    } else if (error && error->IsString()) {
      e.message = std::string(error->GetString(), error->GetStringLength());
    }
  }
  for (const TypeMapping& m : kMappings) {
    if (upstream_type == m.anthropic) {
      e.type = m.type;
      e.code = m.code;
    }
  }
  if (e.type.empty()) {
    e.type = typeForStatus(status);
    if (status == 429) e.code = "rate_limit_exceeded";
  }
  if (e.message.find("prompt is too long") != std::string::npos) e.code = "context_length_exceeded";
  if (e.message.empty()) {
    e.message = status ? "upstream answered with status " + std::to_string(status)
                       : std::string("upstream error");
  }
  return e;
}

void writeErrorObject(JsonWriter& w, const OpenAiError& e) {
  w.StartObject();
  w.Key("message");
  writeString(w, e.message);
  w.Key("type");
  writeString(w, e.type);
  w.Key("param");
  w.Null();
  w.Key("code");
  if (e.code.empty()) {
    w.Null();
  } else {
    writeString(w, e.code);
  }
  w.EndObject();
}

std::string errorBody(const OpenAiError& e) {
  rapidjson::StringBuffer b;
  JsonWriter w(b);
  w.StartObject();
  w.Key("error");
  writeErrorObject(w, e);
  w.EndObject();
  return std::string(written(b));
}

}  // namespace relay::openai
