// The built-in routes and chains: each format's default paths (used when the config declares
// no `routes:` / `filter_chains:`), and the names of the built-in chains a route may use.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace relay::formats {

struct DefaultRoute {
  std::string path;  // exact, or a prefix when it ends in '*'
  std::vector<std::string> methods;
  std::string chain;
  std::string format;  // a wire format name
};

struct DefaultChain {
  std::string name;
  std::vector<std::string> filters;  // filter names, in order
};

std::vector<DefaultRoute> defaultRoutes();
std::vector<DefaultChain> defaultChains();
// True for the name of one of defaultChains().
bool isDefaultChainName(std::string_view name);

}  // namespace relay::formats
