#include "core/config/yaml_reader.h"

#include <limits>

#include "core/config/closest_name.h"
#include "core/config/config_error.h"
#include "core/config/scalar_parse.h"

namespace relay {

namespace {

const YAML::Node& located(const YAML::Node& node, const YAML::Node& fallback) {
  bool null = !node.IsDefined() || node.IsNull();
  return null && fallback.IsDefined() ? fallback : node;
}

std::string integerExpectation(int64_t min, int64_t max) {
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  if (min == kMin && max == kMax) return "expected an integer";
  if (max == kMax) return "expected an integer >= " + std::to_string(min);
  if (min < 0)
    return "expected an integer from " + std::to_string(min) + " to " + std::to_string(max);
  return "expected an integer " + std::to_string(min) + "-" + std::to_string(max);
}

std::string sizeName(uint64_t bytes) {
  if (bytes % (1024 * 1024) == 0 && bytes > 0) return std::to_string(bytes >> 20) + "MiB";
  if (bytes % 1024 == 0 && bytes > 0) return std::to_string(bytes >> 10) + "KiB";
  return std::to_string(bytes);
}

std::string joinNames(std::span<const std::string_view> names) {
  std::string out;
  for (std::string_view n : names) out += (out.empty() ? "" : ", ") + std::string(n);
  return out;
}

}  // namespace

std::string joinKeyPath(const std::string& parent, std::string_view key) {
  if (parent.empty()) return std::string(key);
  return parent + "." + std::string(key);
}

std::string readStringNode(const YAML::Node& node, const std::string& path, const std::string& file,
                           const YAML::Node& fallback) {
  if (!node.IsDefined() || node.IsNull()) return "";
  if (!node.IsScalar()) {
    throw ConfigError(markOf(located(node, fallback), file), path,
                      "expected a string, got " + describeNode(node));
  }
  return node.Scalar();
}

std::string readNonEmptyStringNode(const YAML::Node& node, const std::string& path,
                                   const std::string& file, const YAML::Node& fallback) {
  std::string s = readStringNode(node, path, file, fallback);
  if (s.empty()) {
    throw ConfigError(markOf(located(node, fallback), file), path,
                      "expected a non-empty string, got " + describeNode(node));
  }
  return s;
}

std::vector<std::string> readStringListNode(const YAML::Node& node, const std::string& path,
                                            const std::string& file, const YAML::Node& fallback) {
  std::vector<std::string> out;
  if (!node.IsDefined() || node.IsNull()) return out;
  if (!node.IsSequence()) {
    throw ConfigError(markOf(located(node, fallback), file), path,
                      "expected a list of strings, got " + describeNode(node));
  }
  for (size_t i = 0; i < node.size(); i++) {
    out.push_back(readNonEmptyStringNode(node[i], path + "[" + std::to_string(i) + "]", file));
  }
  return out;
}

MapReader::MapReader(const YAML::Node& node, std::string path, std::string file,
                     const YAML::Node& where)
    : node_(node), where_(where), path_(std::move(path)), file_(std::move(file)) {
  if (!node.IsDefined() || node.IsNull()) return;
  if (!node.IsMap()) {
    throw ConfigError(markOf(node, file_), path_.empty() ? "top level" : path_,
                      "expected a map of keys, got " + describeNode(node));
  }
  for (auto it = node.begin(); it != node.end(); ++it) {
    if (!it->first.IsScalar()) {
      throw ConfigError(markOf(it->first, file_), path_,
                        "expected a key name, got " + describeNode(it->first));
    }
    entries_.push_back(Entry{it->first.Scalar(), it->first, it->second});
  }
}

void MapReader::rejectDuplicateKeys() const {
  for (size_t i = 0; i < entries_.size(); i++) {
    const Entry& e = entries_[i];
    for (size_t j = 0; j < i; j++) {
      if (entries_[j].key != e.key) continue;
      throw ConfigError(markOf(e.key_node, file_), pathOf(e.key),
                        "duplicate key (first at line " +
                            std::to_string(markOf(entries_[j].key_node, file_).line) + ")");
    }
  }
}

void MapReader::allowKeys(std::initializer_list<std::string_view> known) const {
  rejectDuplicateKeys();
  for (const Entry& e : entries_) {
    bool ok = false;
    for (std::string_view k : known) ok = ok || k == e.key;
    if (ok) continue;
    std::string guess = closestName(e.key, known);
    std::string hint = guess.empty()
                           ? "expected one of: " + joinNames({known.begin(), known.size()})
                           : "did you mean '" + guess + "'?";
    throw ConfigError(markOf(e.key_node, file_), pathOf(e.key), "unknown key (" + hint + ")");
  }
}

void MapReader::require(std::string_view key, const std::string& suffix) const {
  if (has(key)) return;
  throw ConfigError(mark(), path_.empty() ? "top level" : path_,
                    "missing required key '" + std::string(key) + "'" + suffix);
}

const MapReader::Entry* MapReader::find(std::string_view key) const {
  for (const Entry& e : entries_) {
    if (e.key == key) return &e;
  }
  return nullptr;
}

ConfigMark MapReader::mark() const {
  bool null = !node_.IsDefined() || node_.IsNull();
  return markOf(null ? where_ : node_, file_);
}

ConfigMark MapReader::keyMark(std::string_view key) const {
  const Entry* e = find(key);
  return e ? markOf(e->key_node, file_) : mark();
}

ConfigMark MapReader::valueMark(std::string_view key) const {
  const Entry* e = find(key);
  if (!e) return mark();
  return markOf(located(e->value, e->key_node), file_);
}

void MapReader::fail(std::string_view key, const std::string& what) const {
  throw ConfigError(valueMark(key), pathOf(key), what);
}

void MapReader::readString(std::string_view key, std::string* out) const {
  if (const Entry* e = find(key)) *out = readStringNode(e->value, pathOf(key), file_, e->key_node);
}

void MapReader::readNonEmptyString(std::string_view key, std::string* out) const {
  if (const Entry* e = find(key)) {
    *out = readNonEmptyStringNode(e->value, pathOf(key), file_, e->key_node);
  }
}

void MapReader::readBool(std::string_view key, bool* out) const {
  const Entry* e = find(key);
  if (!e) return;
  std::optional<bool> v;
  if (e->value.IsScalar()) v = parseBool(e->value.Scalar());
  if (!v) fail(key, "expected true or false, got " + describeNode(e->value));
  *out = *v;
}

void MapReader::readEnum(std::string_view key, std::initializer_list<std::string_view> allowed,
                         std::string* out) const {
  readEnum(key, std::span<const std::string_view>(allowed.begin(), allowed.size()), out);
}

void MapReader::readEnum(std::string_view key, std::span<const std::string_view> allowed,
                         std::string* out) const {
  const Entry* e = find(key);
  if (!e) return;
  if (e->value.IsScalar()) {
    for (std::string_view a : allowed) {
      if (e->value.Scalar() == a) {
        *out = std::string(a);
        return;
      }
    }
  }
  fail(key, "expected one of " + joinNames(allowed) + ", got " + describeNode(e->value));
}

void MapReader::readStringList(std::string_view key, std::vector<std::string>* out) const {
  if (const Entry* e = find(key)) {
    *out = readStringListNode(e->value, pathOf(key), file_, e->key_node);
  }
}

int64_t MapReader::readInt64(std::string_view key, int64_t min, int64_t max,
                             int64_t current) const {
  const Entry* e = find(key);
  if (!e) return current;
  std::optional<int64_t> v;
  if (e->value.IsScalar()) v = parseInt64(e->value.Scalar());
  if (!v || *v < min || *v > max) {
    fail(key, integerExpectation(min, max) + ", got " + describeNode(e->value));
  }
  return *v;
}

uint64_t MapReader::readSize(std::string_view key, uint64_t min, uint64_t current) const {
  const Entry* e = find(key);
  if (!e) return current;
  std::optional<uint64_t> v;
  if (e->value.IsScalar()) v = parseSize(e->value.Scalar());
  if (!v) {
    fail(key, "expected a size in bytes (a number, or with a unit: 64KiB, 32MiB, 1GiB), got " +
                  describeNode(e->value));
  }
  if (*v < min)
    fail(key, "expected a size of at least " + sizeName(min) + ", got " + describeNode(e->value));
  return *v;
}

}  // namespace relay
