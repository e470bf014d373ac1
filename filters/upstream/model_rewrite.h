// model_map applied to the body the upstream receives: only the top-level "model" string is
// replaced; every other byte of the body stays as the client (or the translator) wrote it.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace relay {

// The body with its top-level "model" string value set to model, or nullopt when the body is
// not a JSON object with a top-level string "model" (then nothing is rewritten).
std::optional<std::string> rewriteTopLevelModel(std::string_view body, std::string_view model);

}  // namespace relay
