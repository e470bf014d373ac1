// Where the model and stream fields sit when a format puts them in the path rather than the
// body: ".../models/<model>:<method>" (the streaming method asks for a stream).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/formats/wire_format.h"

namespace relay::formats {

struct PathModel {
  std::optional<std::string> model;  // set when the path names one
  std::optional<bool> stream;        // set when the path names a method
};

// What the request path says about the model and streaming, for a client of `format`; both
// unset for formats that keep them in the body only.
PathModel modelFromPath(WireFormat format, std::string_view path);

}  // namespace relay::formats
