#include "core/config/account_key_error.h"

#include "core/config/config_error.h"

namespace relay {

namespace {

// The entry of map whose key is the longest prefix of path followed by '.' or the end (model
// names contain dots, so "model_map.gpt-4.1" must not split at every dot).
bool findEntry(const YAML::Node& map, std::string_view path, YAML::Node* key, YAML::Node* value,
               std::string_view* rest) {
  if (!map.IsMap()) return false;
  size_t best = 0;
  for (const auto& kv : map) {
    if (!kv.first.IsScalar()) continue;
    const std::string& k = kv.first.Scalar();
    bool prefix =
        path.substr(0, k.size()) == k && (path.size() == k.size() || path[k.size()] == '.');
    if (!prefix || k.size() < best) continue;
    best = k.size();
    key->reset(kv.first);  // reset, not =: yaml-cpp's = would overwrite the tree's node
    value->reset(kv.second);
  }
  if (best == 0) return false;
  *rest = best < path.size() ? path.substr(best + 1) : std::string_view();
  return true;
}

}  // namespace

ConfigMark accountKeyMark(const AccountConfig& account, std::string_view key_path, bool at_key) {
  YAML::Node map;
  map.reset(account.node);
  std::string_view rest = key_path;
  ConfigMark mark = account.mark;
  while (!rest.empty()) {
    YAML::Node key, value;
    std::string_view next;
    if (!findEntry(map, rest, &key, &value, &next)) break;
    bool empty = !value.IsDefined() || value.IsNull();
    mark = markOf(at_key || empty ? key : value, account.mark.file);
    if (next.empty() && at_key) break;
    map.reset(value);
    rest = next;
  }
  return mark;
}

std::string accountKeyError(const AccountConfig& account, size_t index, std::string_view key_path,
                            std::string_view message) {
  // Appends, not "lit" + std::string: GCC 12 -O3 reports a false -Wrestrict (GCC bug 105329).
  std::string path = "accounts[";
  path += std::to_string(index);
  path += ']';
  if (!key_path.empty()) {
    path += '.';
    path += key_path;
  }
  bool at_key = message.substr(0, 11) == "unknown key";
  ConfigMark mark = key_path.empty() ? account.mark : accountKeyMark(account, key_path, at_key);
  return formatConfigError(mark, path, std::string(message));
}

}  // namespace relay
