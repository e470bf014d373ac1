// Reads only what routing needs from a JSON body (SAX; the original bytes are forwarded).
#pragma once

#include <string>
#include <string_view>

namespace relay {

struct RequestPeek {
  bool ok = false;
  std::string error;  // why the body is not a JSON object
  std::string model;
  bool stream = false;
};

RequestPeek peekJsonBody(std::string_view body);

}  // namespace relay
