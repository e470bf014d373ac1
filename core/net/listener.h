// A listening socket with SO_REUSEPORT, so every worker can accept on the same address.
#pragma once

#include <cstdint>
#include <string>

namespace relay {

// Returns a bound, listening, non-blocking socket, or -1 with *error set.
int openReusePortListener(const std::string& host, uint16_t port, int backlog, std::string* error);

}  // namespace relay
