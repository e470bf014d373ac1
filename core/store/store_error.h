// The one exception type the store throws: a sentence that says what failed and where.
#pragma once

#include <stdexcept>
#include <string>

namespace relay::store {

class StoreError : public std::runtime_error {
 public:
  explicit StoreError(const std::string& message) : std::runtime_error(message) {}
};

}  // namespace relay::store
