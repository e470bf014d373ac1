// Typed, located reads of one YAML mapping: every failure throws ConfigError worded
// "file:line:col: key.path: expected ..., got ...". Filter factories may use it too.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/config/config.h"

namespace relay {

// "server" + "port" -> "server.port"; an empty parent yields the key alone.
std::string joinKeyPath(const std::string& parent, std::string_view key);

// Reads of single nodes (list elements, map values). `fallback` locates a null node, whose
// own mark yaml-cpp places oddly.
std::string readStringNode(const YAML::Node& node, const std::string& path, const std::string& file,
                           const YAML::Node& fallback = YAML::Node());
// The same, rejecting empty strings.
std::string readNonEmptyStringNode(const YAML::Node& node, const std::string& path,
                                   const std::string& file,
                                   const YAML::Node& fallback = YAML::Node());
std::vector<std::string> readStringListNode(const YAML::Node& node, const std::string& path,
                                            const std::string& file,
                                            const YAML::Node& fallback = YAML::Node());

class MapReader {
 public:
  struct Entry {
    std::string key;
    YAML::Node key_node;
    YAML::Node value;
  };

  // Throws unless `node` is a map; a null or absent node reads as an empty map located at
  // `where` (the key that owns it).
  MapReader(const YAML::Node& node, std::string path, std::string file,
            const YAML::Node& where = YAML::Node());

  // Throws at the first key not in `known` (suggesting the closest) or seen twice.
  void allowKeys(std::initializer_list<std::string_view> known) const;
  // For maps whose keys are names (chains, model maps): throws at the first repeated key.
  void rejectDuplicateKeys() const;
  // Throws "missing required key 'k'" + suffix at the map itself.
  void require(std::string_view key, const std::string& suffix = "") const;

  bool has(std::string_view key) const { return find(key) != nullptr; }
  const Entry* find(std::string_view key) const;
  const std::vector<Entry>& entries() const { return entries_; }
  const std::string& path() const { return path_; }
  const std::string& file() const { return file_; }
  std::string pathOf(std::string_view key) const { return joinKeyPath(path_, key); }
  ConfigMark mark() const;
  ConfigMark keyMark(std::string_view key) const;
  // Where the value is, or its key when the value is null.
  ConfigMark valueMark(std::string_view key) const;
  [[noreturn]] void fail(std::string_view key, const std::string& what) const;

  // Each read leaves *out untouched when the key is absent.
  void readString(std::string_view key, std::string* out) const;
  void readNonEmptyString(std::string_view key, std::string* out) const;
  void readBool(std::string_view key, bool* out) const;
  void readEnum(std::string_view key, std::initializer_list<std::string_view> allowed,
                std::string* out) const;
  void readEnum(std::string_view key, std::span<const std::string_view> allowed,
                std::string* out) const;
  void readStringList(std::string_view key, std::vector<std::string>* out) const;
  int64_t readInt64(std::string_view key, int64_t min, int64_t max, int64_t current) const;
  uint64_t readSize(std::string_view key, uint64_t min, uint64_t current) const;

  template <typename T>
  void readInt(std::string_view key, int64_t min, int64_t max, T* out) const {
    *out = static_cast<T>(readInt64(key, min, max, static_cast<int64_t>(*out)));
  }
  template <typename T>
  void readSizeInto(std::string_view key, uint64_t min, T* out) const {
    *out = static_cast<T>(readSize(key, min, static_cast<uint64_t>(*out)));
  }

 private:
  YAML::Node node_;
  YAML::Node where_;
  std::string path_;
  std::string file_;
  std::vector<Entry> entries_;
};

}  // namespace relay
