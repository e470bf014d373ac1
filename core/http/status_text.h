#pragma once

#include <string_view>

namespace relay {

// The reason phrase for a status code ("Unknown" when we have none).
std::string_view statusText(int status);

}  // namespace relay
