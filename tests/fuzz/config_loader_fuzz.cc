// libFuzzer target: the configuration loader. The first byte picks the format (odd: TOML,
// even: YAML); the rest is the file's text. Environment references resolve to a fixed value.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "core/config/config_loader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const char* name = (data[0] & 1) ? "fuzz.toml" : "fuzz.yaml";
  std::string text(reinterpret_cast<const char*>(data + 1), size - 1);
  relay::EnvLookup env = [](const std::string&) -> std::optional<std::string> {
    return std::string("from-env");
  };
  relay::ConfigResult result = relay::loadConfigStringWithEnv(text, name, env);
  if (result.config.has_value() == !result.error.empty()) __builtin_trap();  // exactly one
  return 0;
}
