// The in-tree plugins' reader of an account's configuration (the JSON account_new receives):
// the keys the core reads itself are accepted, any other key must be one the plugin declares,
// and every failed read names its key so the host can point at it in the file.
// Header-only: each plugin builds against core/abi alone.
#ifndef RELAY_PLUGINS_COMMON_ACCOUNT_KEYS_H
#define RELAY_PLUGINS_COMMON_ACCOUNT_KEYS_H

#include <rapidjson/document.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "relay_plugin.h"

namespace relay::account_keys {

// Read by the core for every account (docs/plugins.md, "Account keys").
inline constexpr std::string_view kCoreKeys[] = {
    "type", "id", "name", "priority", "enabled", "api_url", "proxy", "ca_file", "model_map"};

// What account_new reports: the key ("" = the account as a whole) and a secret-free message.
struct KeyError {
  std::string key;
  std::string message;
};

// Copies e into the host's record; the 1.1 key only when the host's record has room for it.
inline void fillError(relay_error_t* err, const relay_host_t* host, const KeyError& e) {
  if (!err) return;
  err->status = 0;
  std::snprintf(err->message, sizeof err->message, "%s", e.message.c_str());
  if (host && (host->abi_version >> 16) == RELAY_PLUGIN_ABI_MAJOR &&
      (host->abi_version & 0xffff) >= 1)
    std::snprintf(err->key, sizeof err->key, "%s", e.key.c_str());
}

// Edit distance, for "did you mean" on a misspelt key.
inline size_t editDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

class AccountKeys {
 public:
  // False when json is not an object.
  bool parse(std::string_view json, KeyError* err) {
    doc_.Parse(json.data(), json.size());
    if (doc_.HasParseError() || !doc_.IsObject()) {
      *err = {"", "the account configuration is not a JSON object"};
      return false;
    }
    return true;
  }

  // Rejects the first key that is neither a core key nor in known, suggesting the closest.
  bool allowOnly(std::initializer_list<std::string_view> known, KeyError* err) const {
    for (auto it = doc_.MemberBegin(); it != doc_.MemberEnd(); ++it) {
      std::string_view key(it->name.GetString(), it->name.GetStringLength());
      bool core = std::find(std::begin(kCoreKeys), std::end(kCoreKeys), key) != std::end(kCoreKeys);
      if (core || std::find(known.begin(), known.end(), key) != known.end()) continue;
      std::string_view guess;
      size_t best = 3;  // suggest only close names
      auto consider = [&](std::string_view k) {
        size_t d = editDistance(key, k);
        if (d < best) best = d, guess = k;
      };
      for (std::string_view k : kCoreKeys) consider(k);
      for (std::string_view k : known) consider(k);
      std::string hint = guess.empty() ? "" : " (did you mean '" + std::string(guess) + "'?)";
      *err = {std::string(key), "unknown key" + hint};
      return false;
    }
    return true;
  }

  // Present with a value (an empty `key:` in YAML arrives as null: not present).
  bool has(const char* key) const {
    auto it = doc_.FindMember(key);
    return it != doc_.MemberEnd() && !it->value.IsNull();
  }

  // A string (or nothing: *out untouched). Other shapes fail.
  bool string(const char* key, std::string* out, KeyError* err) const {
    auto it = doc_.FindMember(key);
    if (it == doc_.MemberEnd() || it->value.IsNull()) return true;
    if (!it->value.IsString()) {
      *err = {key, "expected a string, got " + describe(it->value)};
      return false;
    }
    out->assign(it->value.GetString(), it->value.GetStringLength());
    return true;
  }

  // A string that must not be empty when the key is there (suffix: e.g. " for type x").
  bool nonEmptyString(const char* key, std::string* out, KeyError* err,
                      const std::string& suffix = "") const {
    std::string value;
    if (!string(key, &value, err)) return false;
    if (doc_.HasMember(key) && value.empty()) {
      *err = {key, "expected a non-empty string" + suffix};
      return false;
    }
    if (!value.empty()) *out = std::move(value);
    return true;
  }

  // An integer >= min, written as a string of digits or a JSON number.
  bool integer(const char* key, int64_t min, int64_t* out, KeyError* err) const {
    auto it = doc_.FindMember(key);
    if (it == doc_.MemberEnd() || it->value.IsNull()) return true;
    const rapidjson::Value& v = it->value;
    int64_t value = 0;
    bool ok = false;
    if (v.IsInt64()) {
      value = v.GetInt64(), ok = true;
    } else if (v.IsString()) {
      std::string s(v.GetString(), v.GetStringLength());
      size_t used = 0;
      try {
        value = std::stoll(s, &used);
        ok = used == s.size() && !s.empty() && (s[0] == '-' || (s[0] >= '0' && s[0] <= '9'));
      } catch (...) {
        ok = false;
      }
    }
    if (!ok || value < min) {
      *err = {key, "expected an integer >= " + std::to_string(min) + ", got " + describe(v)};
      return false;
    }
    *out = value;
    return true;
  }

  // "missing required key 'k'" + suffix, about the account as a whole.
  static KeyError missing(std::string_view key, const std::string& suffix = "") {
    return {"", "missing required key '" + std::string(key) + "'" + suffix};
  }

  const rapidjson::Document& doc() const { return doc_; }

 private:
  static std::string describe(const rapidjson::Value& v) {
    if (v.IsString()) {
      std::string s(v.GetString(), std::min<size_t>(v.GetStringLength(), 40));
      return "\"" + s + "\"";
    }
    if (v.IsArray()) return "a list";
    if (v.IsObject()) return "a map";
    if (v.IsBool()) return "a boolean";
    if (v.IsNull()) return "nothing";
    return "a number";
  }

  rapidjson::Document doc_;
};

// An optional URL (or id) read from the configuration: fallback when it was left out or empty,
// without trailing '/' (paths are appended to it).
inline std::string withDefault(std::string value, std::string_view fallback) {
  if (value.empty()) value = std::string(fallback);
  while (value.size() > 1 && value.back() == '/') value.pop_back();
  return value;
}

}  // namespace relay::account_keys

#endif
