// A locally produced error, rendered in the shape each client wire format expects
// (PROTOCOLS.md part B).
#pragma once

#include <string>
#include <string_view>

#include "core/formats/wire_format.h"

namespace relay {

// A complete JSON error body in the format's shape; `message` is escaped here.
std::string renderErrorBody(WireFormat f, int status, std::string_view message);
// The same error as one server-sent event, for errors after a stream has started.
std::string renderErrorEvent(WireFormat f, int status, std::string_view message);

}  // namespace relay
