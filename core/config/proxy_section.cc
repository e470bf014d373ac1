#include "core/config/proxy_section.h"

#include <cctype>

#include "core/config/config_error.h"

namespace relay {

namespace {

bool isIdChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' ||
         c == ':' || c == '@';
}

}  // namespace

std::optional<ProxyConfig> readProxySection(const MapReader& parent) {
  const MapReader::Entry* e = parent.find("proxy");
  if (!e || e->value.IsNull()) return std::nullopt;
  MapReader r(e->value, parent.pathOf("proxy"), parent.file(), e->key_node);
  r.allowKeys({"type", "host", "port", "username", "password"});
  r.require("type");
  r.require("host");
  r.require("port");
  ProxyConfig p;
  r.readEnum("type", {"socks5", "http"}, &p.type);
  r.readNonEmptyString("host", &p.host);
  r.readInt("port", 1, 65535, &p.port);
  r.readString("username", &p.username);
  r.readString("password", &p.password);
  if (p.username.empty() && !p.password.empty()) {
    throw ConfigError(r.keyMark("password"), r.pathOf("password"), "a password needs a username");
  }
  return p;
}

void readIdentifier(const MapReader& r, std::string_view key, std::string* out) {
  r.readNonEmptyString(key, out);
  for (char c : *out) {
    if (!isIdChar(c)) {
      r.fail(key, "expected letters, digits and - _ . : @ only, got \"" + *out + "\"");
    }
  }
}

}  // namespace relay
