// Assembling the server from a validated config, and running it until a signal.
#pragma once

#include <memory>
#include <string>

#include "core/server_context.h"

namespace relay {

// Builds routes, chains (filter factories parse their YAML here) and the account directory.
// Returns nullptr with *error naming the file, line and key on a bad chain or route.
std::unique_ptr<ServerContext> buildServerContext(Config config, std::string* error);

// A short human summary for --check-config.
std::string describeServer(const ServerContext& ctx);

// Runs the workers until SIGINT/SIGTERM, then drains; returns the process exit code.
int runServer(ServerContext& ctx);

}  // namespace relay
