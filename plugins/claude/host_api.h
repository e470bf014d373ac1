// The Claude plugin's host helpers: the in-tree plugins' shared ones (plugins/common), under
// this plugin's namespace.
#ifndef RELAY_PLUGINS_CLAUDE_HOST_API_H
#define RELAY_PLUGINS_CLAUDE_HOST_API_H

#include "host_calls.h"

namespace relay::claude {
using namespace relay::plugin_common;  // NOLINT(google-build-using-namespace)
}  // namespace relay::claude

#endif
