// The Gemini plugin's host helpers: the in-tree plugins' shared ones (plugins/common), under
// this plugin's namespace.
#ifndef RELAY_PLUGINS_GEMINI_GEMINI_HOST_H
#define RELAY_PLUGINS_GEMINI_GEMINI_HOST_H

#include "host_calls.h"

namespace relay::gemini {
using namespace relay::plugin_common;  // NOLINT(google-build-using-namespace)
}  // namespace relay::gemini

#endif
