#include "core/formats/error_render.h"

#include <algorithm>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "core/http/headers.h"

namespace relay {

namespace {

std::string_view anthropicType(int status) {
  switch (status) {
    case 400:
      return "invalid_request_error";
    case 401:
      return "authentication_error";
    case 402:
      return "billing_error";
    case 403:
      return "permission_error";
    case 404:
      return "not_found_error";
    case 408:
      return "timeout_error";
    case 413:
      return "request_too_large";
    case 429:
      return "rate_limit_error";
    case 503:
    case 529:
      return "overloaded_error";
    default:
      return status >= 500 ? "api_error" : "invalid_request_error";
  }
}

std::string_view openaiType(int status) {
  switch (status) {
    case 401:  // what OpenAI answers for a wrong key: invalid_request_error, code invalid_api_key
      return "invalid_request_error";
    case 403:
      return "permission_error";
    case 404:
      return "not_found_error";
    case 429:
      return "rate_limit_exceeded";
    default:
      return status >= 500 ? "server_error" : "invalid_request_error";
  }
}

std::string_view openaiCode(int status) {
  switch (status) {
    case 401:
      return "invalid_api_key";
    case 404:
      return "not_found";
    case 413:
      return "request_too_large";
    case 429:
      return "rate_limit_exceeded";
    case 503:
      return "no_available_account";
    default:
      return status >= 500 ? "server_error" : "invalid_request";
  }
}

std::string_view googleStatus(int status) {
  switch (status) {
    case 400:
      return "INVALID_ARGUMENT";
    case 401:
      return "UNAUTHENTICATED";
    case 403:
      return "PERMISSION_DENIED";
    case 404:
      return "NOT_FOUND";
    case 408:
      return "DEADLINE_EXCEEDED";
    case 413:
      return "INVALID_ARGUMENT";
    case 429:
      return "RESOURCE_EXHAUSTED";
    case 501:
      return "UNIMPLEMENTED";
    case 503:
      return "UNAVAILABLE";
    case 504:
      return "DEADLINE_EXCEEDED";
    default:
      return status >= 500 ? "INTERNAL" : "FAILED_PRECONDITION";
  }
}

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void str(Writer& w, std::string_view s) {
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

}  // namespace

std::string renderErrorBody(WireFormat f, int status, std::string_view message) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  switch (f) {
    case WireFormat::Anthropic:
      str(w, "type"), str(w, "error");
      str(w, "error");
      w.StartObject();
      str(w, "type"), str(w, anthropicType(status));
      str(w, "message"), str(w, message);
      w.EndObject();
      break;
    case WireFormat::OpenAIChat:
    case WireFormat::OpenAIResponses:
      str(w, "error");
      w.StartObject();
      str(w, "message"), str(w, message);
      str(w, "type"), str(w, openaiType(status));
      str(w, "code"), str(w, openaiCode(status));
      w.EndObject();
      break;
    case WireFormat::Gemini:
      str(w, "error");
      w.StartObject();
      str(w, "code"), w.Int(status);
      str(w, "message"), str(w, message);
      str(w, "status"), str(w, googleStatus(status));
      w.EndObject();
      break;
  }
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

std::string renderErrorEvent(WireFormat f, int status, std::string_view message) {
  std::string body = renderErrorBody(f, status, message);
  switch (f) {
    case WireFormat::Anthropic:
      return "event: error\ndata: " + body + "\n\n";
    case WireFormat::OpenAIResponses: {
      // Responses streams carry a typed `error` event.
      std::string ev = "{\"type\":\"error\",\"code\":\"";
      ev += openaiCode(status);
      ev += "\",\"message\":";
      rapidjson::StringBuffer b;
      Writer w(b);
      str(w, message);
      ev.append(b.GetString(), b.GetSize());
      ev += "}";
      return "event: error\ndata: " + ev + "\n\n";
    }
    case WireFormat::OpenAIChat:
    case WireFormat::Gemini:
      return "data: " + body + "\n\n";
  }
  return body;
}

}  // namespace relay
