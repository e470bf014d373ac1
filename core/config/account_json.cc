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

void writeModelMap(JsonWriter& w, const MapReader& account) {
  w.StartObject();
  const MapReader::Entry* e = account.find("model_map");
  MapReader r(e->value, account.pathOf("model_map"), account.file(), e->key_node);
  for (const MapReader::Entry& m : r.entries()) {
    writeString(w, m.key);
    writeString(w, readStringNode(m.value, r.pathOf(m.key), r.file()));
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
    } else if (e.key == "expires_at") {
      w.Int64(parsed.expires_at);
    } else if (e.key == "proxy") {
      writeProxy(w, account, *parsed.proxy);
    } else if (e.key == "model_map") {
      writeModelMap(w, account);
    } else {
      writeString(w, readStringNode(e.value, account.pathOf(e.key), account.file()));
    }
  }
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace relay
