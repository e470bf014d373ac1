// AccountConfig::json: what the provider plugin's account_new receives.
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "core/config/config_sections.h"

namespace relay {

namespace {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

void writeString(JsonWriter& w, const std::string& s) {
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

// Any YAML value: scalars as strings (YAML gives them no type; the plugin decides what a
// string means), null as null, maps as objects (keys as strings), lists as arrays.
void writeNode(JsonWriter& w, const YAML::Node& node) {
  if (!node.IsDefined() || node.IsNull()) {
    w.Null();
  } else if (node.IsScalar()) {
    writeString(w, node.Scalar());
  } else if (node.IsSequence()) {
    w.StartArray();
    for (const YAML::Node& item : node) writeNode(w, item);
    w.EndArray();
  } else {
    w.StartObject();
    for (const auto& kv : node) {
      writeString(w, kv.first.IsScalar() ? kv.first.Scalar() : std::string());
      writeNode(w, kv.second);
    }
    w.EndObject();
  }
}

void writeProxy(JsonWriter& w, const MapReader& account, const ProxyConfig& p) {
  w.StartObject();
  MapReader r(account.find("proxy")->value, account.pathOf("proxy"), account.file());
  for (const MapReader::Entry& e : r.entries()) {
    writeString(w, e.key);
    if (e.key == "port") {
      w.Uint(p.port);
    } else {
      writeString(w, readStringNode(e.value, r.pathOf(e.key), r.file()));
    }
  }
  w.EndObject();
}

}  // namespace

std::string accountJson(const MapReader& account, const AccountConfig& parsed) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  for (const MapReader::Entry& e : account.entries()) {
    if (e.key == "proxy" && !parsed.proxy) continue;  // `proxy:` left empty
    writeString(w, e.key);
    if (e.key == "priority") {
      w.Int(parsed.priority);
    } else if (e.key == "enabled") {
      w.Bool(parsed.enabled);
    } else if (e.key == "proxy") {
      writeProxy(w, account, *parsed.proxy);
    } else {
      writeNode(w, e.value);
    }
  }
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace relay
