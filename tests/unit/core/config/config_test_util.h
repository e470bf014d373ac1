// Shared helpers for the config tests: load text under a fixed file name and environment.
#pragma once

#include <doctest/doctest.h>

#include <map>
#include <string>

#include "core/config/config_loader.h"

namespace relay::test {

inline EnvLookup fakeEnv(std::map<std::string, std::string> vars) {
  return [vars](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

// The error text; fails the test when the text loads.
inline std::string loadError(const std::string& text, std::map<std::string, std::string> env = {}) {
  ConfigResult r = loadConfigStringWithEnv(text, "relay.yaml", fakeEnv(std::move(env)));
  CHECK_MESSAGE(!r.config, "expected an error for:\n" << text);
  return r.error;
}

// The config; fails the test (with the error) when the text does not load.
inline Config loadOk(const std::string& text, std::map<std::string, std::string> env = {}) {
  ConfigResult r = loadConfigStringWithEnv(text, "relay.yaml", fakeEnv(std::move(env)));
  REQUIRE_MESSAGE(r.config, r.error);
  return *r.config;
}

}  // namespace relay::test
