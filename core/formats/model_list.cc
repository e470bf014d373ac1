#include "core/formats/model_list.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace relay::formats {

namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void str(Writer& w, std::string_view s) {
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

}  // namespace

std::string renderModelList(WireFormat f, const ModelEntries& models) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  if (f == WireFormat::Gemini) {
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
