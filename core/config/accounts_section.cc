// `accounts:` — the upstream accounts, their credentials and proxies.
#include <limits>

#include "core/config/config_error.h"
#include "core/config/config_sections.h"
#include "core/config/proxy_section.h"

namespace relay {

namespace {

// Keys only the provider plugin reads: checked for shape, kept in the JSON.
void checkPluginKeys(const MapReader& r) {
  std::string project_id;
  r.readString("project_id", &project_id);
  if (const MapReader::Entry* e = r.find("model_map")) {
    MapReader map(e->value, r.pathOf("model_map"), r.file(), e->key_node);
    map.rejectDuplicateKeys();
    for (const MapReader::Entry& m : map.entries()) {
      readNonEmptyStringNode(m.value, map.pathOf(m.key), r.file(), m.key_node);
    }
  }
}

// model_map: {requested model: model this account is asked for}, in file order.
void readAccountModelMap(const MapReader& r, AccountConfig* a) {
  const MapReader::Entry* e = r.find("model_map");
  if (!e) return;
  MapReader map(e->value, r.pathOf("model_map"), r.file(), e->key_node);
  for (const MapReader::Entry& m : map.entries())
    a->model_map.emplace_back(
        m.key, readNonEmptyStringNode(m.value, map.pathOf(m.key), r.file(), m.key_node));
}

void requireCredentials(const MapReader& r, const AccountConfig& a) {
  const std::string suffix = " for type " + a.type;
  bool oauth = a.type == "claude-oauth" || a.type == "gemini";
  if (oauth && a.refresh_token.empty() && a.access_token.empty()) {
    if (r.has("refresh_token")) {
      r.fail("refresh_token", "expected a non-empty string" + suffix + " (or an access_token)");
    }
    r.require("refresh_token", suffix);
  }
  if (a.type == "claude-api" && a.api_key.empty()) {
    if (r.has("api_key")) r.fail("api_key", "expected a non-empty string" + suffix);
    r.require("api_key", suffix);
  }
}

AccountConfig readAccount(const YAML::Node& node, const std::string& path,
                          const std::string& file) {
  if (node.IsNull()) throw ConfigError(markOf(node, file), path, "expected a map, got nothing");
  MapReader r(node, path, file);
  r.allowKeys({"type", "id", "name", "priority", "enabled", "refresh_token", "api_key", "api_url",
               "token_url", "client_id", "client_secret", "access_token", "expires_at", "ca_file",
               "proxy", "project_id", "model_map"});
  r.require("type");
  r.require("id");
  AccountConfig a;
  a.mark = r.mark();
  r.readNonEmptyString("type", &a.type);
  readIdentifier(r, "id", &a.id);
  a.name = a.id;
  r.readString("name", &a.name);
  r.readInt("priority", -1000000, 1000000, &a.priority);
  r.readBool("enabled", &a.enabled);
  for (auto [key, field] : {std::pair{"refresh_token", &a.refresh_token},
                            {"api_key", &a.api_key},
                            {"api_url", &a.api_url},
                            {"token_url", &a.token_url},
                            {"client_id", &a.client_id},
                            {"client_secret", &a.client_secret},
                            {"access_token", &a.access_token},
                            {"ca_file", &a.ca_file}}) {
    r.readString(key, field);
  }
  r.readInt("expires_at", 0, std::numeric_limits<int64_t>::max(), &a.expires_at);
  a.proxy = readProxySection(r);
  checkPluginKeys(r);
  readAccountModelMap(r, &a);
  requireCredentials(r, a);
  a.json = accountJson(r, a);
  return a;
}

}  // namespace

std::vector<AccountConfig> readAccountsSection(const YAML::Node& node, const YAML::Node& /*key*/,
                                               const std::string& file) {
  std::vector<AccountConfig> out;
  if (node.IsNull()) return out;
  if (!node.IsSequence()) {
    throw ConfigError(markOf(node, file), "accounts",
                      "expected a list of accounts, got " + describeNode(node));
  }
  std::map<std::string, int> first_line;  // id -> line of its `id:` key
  for (size_t i = 0; i < node.size(); i++) {
    std::string path = "accounts[" + std::to_string(i) + "]";
    AccountConfig a = readAccount(node[i], path, file);
    MapReader r(node[i], path, file);
    ConfigMark id_mark = r.keyMark("id");
    auto [it, fresh] = first_line.emplace(a.id, id_mark.line);
    if (!fresh) {
      throw ConfigError(id_mark, path + ".id",
                        "duplicate account id \"" + a.id + "\" (first at line " +
                            std::to_string(it->second) + ")");
    }
    out.push_back(std::move(a));
  }
  return out;
}

}  // namespace relay
