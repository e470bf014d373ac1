// `accounts:` — the upstream accounts, their credentials and proxies.
#include <utility>

#include "core/config/config_error.h"
#include "core/config/config_sections.h"
#include "core/config/proxy_section.h"

namespace relay {

namespace {

// model_map: the core rewrites the model with it, so its shape is checked here.
std::vector<std::pair<std::string, std::string>> readModelMap(const MapReader& r) {
  std::vector<std::pair<std::string, std::string>> out;
  const MapReader::Entry* e = r.find("model_map");
  if (!e) return out;
  MapReader map(e->value, r.pathOf("model_map"), r.file(), e->key_node);
  map.rejectDuplicateKeys();
  for (const MapReader::Entry& m : map.entries()) {
    out.emplace_back(m.key,
                     readNonEmptyStringNode(m.value, map.pathOf(m.key), r.file(), m.key_node));
  }
  return out;
}

// Only the keys every account has are read here; the provider plugin validates the rest
// (account_new gets the whole mapping as JSON and names the key it rejects).
AccountConfig readAccount(const YAML::Node& node, const std::string& path,
                          const std::string& file) {
  if (node.IsNull()) throw ConfigError(markOf(node, file), path, "expected a map, got nothing");
  MapReader r(node, path, file);
  r.rejectDuplicateKeys();
  r.require("type");
  r.require("id");
  AccountConfig a;
  a.mark = r.mark();
  a.node = node;
  r.readNonEmptyString("type", &a.type);
  readIdentifier(r, "id", &a.id);
  a.name = a.id;
  r.readString("name", &a.name);
  r.readInt("priority", -1000000, 1000000, &a.priority);
  r.readBool("enabled", &a.enabled);
  r.readString("api_url", &a.api_url);
  r.readString("ca_file", &a.ca_file);
  a.proxy = readProxySection(r);
  a.model_map = readModelMap(r);
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
