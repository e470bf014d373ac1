// `filter_chains:` — name -> list of filters, each a bare name or `{name: config}`.
// Whether a filter name exists is checked by the server, which knows the registry.
#include <cctype>

#include "core/config/config_error.h"
#include "core/config/config_sections.h"

namespace relay {

namespace {

bool isIdentifier(const std::string& s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-') return false;
  }
  return true;
}

std::string checkedName(const YAML::Node& node, const std::string& path, const std::string& file,
                        const char* what) {
  std::string name = readNonEmptyStringNode(node, path, file);
  if (!isIdentifier(name)) {
    throw ConfigError(markOf(node, file), path,
                      std::string("expected a ") + what +
                          " name (letters, digits, '_' and '-'), got " + describeNode(node));
  }
  return name;
}

FilterSpec readFilterEntry(const YAML::Node& node, const std::string& path,
                           const std::string& file) {
  FilterSpec spec;
  spec.mark = markOf(node, file);
  if (node.IsScalar()) {
    spec.name = checkedName(node, path, file, "filter");
    return spec;
  }
  if (!node.IsMap() || node.size() != 1) {
    std::string got =
        node.IsMap() ? "a map with " + std::to_string(node.size()) + " keys" : describeNode(node);
    throw ConfigError(spec.mark, path,
                      "expected a filter name or a one-key map {name: config}, got " + got);
  }
  auto it = node.begin();
  spec.name = checkedName(it->first, path, file, "filter");
  spec.config = it->second;
  return spec;
}

}  // namespace

std::map<std::string, ChainConfig> readFilterChainsSection(const YAML::Node& node,
                                                           const YAML::Node& key,
                                                           const std::string& file) {
  MapReader r(node, "filter_chains", file, key);
  r.rejectDuplicateKeys();
  std::map<std::string, ChainConfig> chains;
  for (const MapReader::Entry& e : r.entries()) {
    ChainConfig chain;
    std::string path = r.pathOf(e.key);
    chain.name = checkedName(e.key_node, path, file, "chain");
    chain.mark = markOf(e.key_node, file);
    if (!e.value.IsSequence() || e.value.size() == 0) {
      throw ConfigError(markOf(e.value.IsNull() ? e.key_node : e.value, file), path,
                        "expected a non-empty list of filters, got " + describeNode(e.value));
    }
    for (size_t i = 0; i < e.value.size(); i++) {
      chain.filters.push_back(
          readFilterEntry(e.value[i], path + "[" + std::to_string(i) + "]", file));
    }
    chains.emplace(chain.name, std::move(chain));
  }
  return chains;
}

}  // namespace relay
