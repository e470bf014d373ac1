// `--listen HOST:PORT`: the listen address given on the command line, over server.host/port.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace relay {

struct ListenAddress {
  std::string host;
  uint16_t port = 0;  // 0: the kernel picks one (the relay logs it)
};

// "127.0.0.1:3000", "[::1]:0", "localhost:8080". nullopt with *error when malformed.
std::optional<ListenAddress> parseListenAddress(const std::string& text, std::string* error);

}  // namespace relay
