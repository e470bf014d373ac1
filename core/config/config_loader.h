// loadConfigString with the environment supplied by the caller (tests, embedding).
#pragma once

#include <string>

#include "core/config/config.h"
#include "core/config/env_substitution.h"

namespace relay {

ConfigResult loadConfigStringWithEnv(const std::string& text, const std::string& file_name,
                                     const EnvLookup& env);

}  // namespace relay
