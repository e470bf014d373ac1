// "did you mean ...?" for misspelt keys and names.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>

namespace relay {

// Edit distance counting an adjacent swap as one edit ("prot" -> "port" is 1).
size_t editDistance(std::string_view a, std::string_view b);

// The candidate nearest to `word` if it is close enough to be a likely typo, else "".
std::string closestName(std::string_view word, std::initializer_list<std::string_view> candidates);

}  // namespace relay
