#include "core/formats/model_list.h"

#include <algorithm>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace relay::formats {

namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void str(Writer& w, std::string_view s) {
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

// `GET {base_url}/models?client_version=…` asks for a coding agent's model catalogue shape
// (PROTOCOLS C4), not a plain list.
void renderCatalogue(Writer& w, const ModelEntries& models) {
  str(w, "models");
  w.StartArray();
  int priority = 0;
  for (const auto& [id, name] : models) {
    w.StartObject();
    str(w, "slug"), str(w, id);
    str(w, "display_name"), str(w, name);
    str(w, "description"), str(w, name);
    str(w, "default_reasoning_level"), str(w, "medium");
    str(w, "supported_reasoning_levels");
    w.StartArray();
    for (const char* effort : {"low", "medium", "high"}) {
      w.StartObject();
      str(w, "effort"), str(w, effort);
      str(w, "description"), str(w, effort);
      w.EndObject();
    }
    w.EndArray();
    str(w, "visibility"), str(w, "list");
    str(w, "supported_in_api"), w.Bool(true);
    str(w, "priority"), w.Int(priority++);
    str(w, "context_window"), w.Int64(200000);
    w.EndObject();
  }
  w.EndArray();
}

}  // namespace

WireFormat modelListFormat(WireFormat route_format, const Request& req, KeyPlace key_place) {
  if (route_format != WireFormat::Anthropic || req.headers.has("anthropic-version"))
    return route_format;
  if (key_place == KeyPlace::kNone) {
    std::string decoded;
    clientKey(req, &decoded, &key_place);
  }
  return key_place == KeyPlace::kBearer ? WireFormat::OpenAIChat : route_format;
}

std::string renderModelList(WireFormat f, const ModelEntries& models, bool catalogue) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  if (catalogue && f != WireFormat::Gemini) {
    renderCatalogue(w, models);
  } else if (f == WireFormat::Gemini) {
    str(w, "models");
    w.StartArray();
    for (const auto& [id, name] : models) {
      w.StartObject();
      str(w, "name"), str(w, "models/" + id);
      str(w, "displayName"), str(w, name);
      str(w, "supportedGenerationMethods");
      w.StartArray();
      str(w, "generateContent"), str(w, "streamGenerateContent");
      w.EndArray();
      w.EndObject();
    }
    w.EndArray();
  } else if (f == WireFormat::Anthropic) {
    str(w, "data");
    w.StartArray();
    for (const auto& [id, name] : models) {
      w.StartObject();
      str(w, "type"), str(w, "model");
      str(w, "id"), str(w, id);
      str(w, "display_name"), str(w, name);
      str(w, "created_at"), str(w, "2025-01-01T00:00:00Z");
      w.EndObject();
    }
    w.EndArray();
    str(w, "has_more"), w.Bool(false);
    str(w, "first_id");
    models.empty() ? w.Null() : (str(w, models.front().first), true);
    str(w, "last_id");
    models.empty() ? w.Null() : (str(w, models.back().first), true);
  } else {
    str(w, "object"), str(w, "list");
    str(w, "data");
    w.StartArray();
    for (const auto& [id, name] : models) {
      w.StartObject();
      str(w, "id"), str(w, id);
      str(w, "object"), str(w, "model");
      str(w, "created"), w.Int64(1735689600);
      str(w, "owned_by"), str(w, "relay");
      w.EndObject();
    }
    w.EndArray();
  }
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

}  // namespace relay::formats
