// Shared helpers for the account tests: configs, a temp directory, a store on a file.
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/config/config.h"
#include "core/store/store.h"

namespace relay::test {

inline AccountConfig account(std::string id, std::string type = "claude-oauth", int priority = 50,
                             bool enabled = true) {
  AccountConfig config;
  config.id = std::move(id);
  config.name = config.id;
  config.type = std::move(type);
  config.priority = priority;
  config.enabled = enabled;
  config.json = R"({"refresh_token":"sk-ant-ort01-secret-refresh-token"})";
  return config;
}

// Model families as a provider plugin would name them (the pool itself knows none).
inline std::string familyOf(const std::string& /*provider*/, std::string_view model) {
  for (std::string_view family : {"opus", "sonnet", "haiku"}) {
    if (model.find(family) != std::string_view::npos) return std::string(family);
  }
  return "";
}

// "claude-oauth" -> "claude", "gemini" -> "gemini".
inline std::string providerOf(const std::string& type) {
  return type.substr(0, type.find('-'));
}

class TempDir {
 public:
  TempDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "relay-accounts-XXXXXX").string();
    path_ = ::mkdtemp(pattern.data()) ? pattern : std::string();
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

inline std::unique_ptr<store::Store> openStore(const std::string& path) {
  store::StoreOptions options;
  options.path = path;
  return store::Store::open(options);
}

}  // namespace relay::test
