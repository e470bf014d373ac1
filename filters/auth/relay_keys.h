// The relay keys a route accepts, and the match of a presented key against them. The match
// reads every configured key in full, whatever the presented key holds, so its time tells
// nothing about how much of a guess was right.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace relay {

class RelayKeys {
 public:
  explicit RelayKeys(const std::vector<std::string>& keys);

  bool empty() const { return keys_.empty(); }
  // The id ("key-" and 8 hex digits of the key's SHA-256) of the key equal to `presented`, or
  // nullptr. Reads no secret into a log; ids are safe to log.
  const std::string* match(std::string_view presented) const;

 private:
  std::vector<std::string> keys_;
  std::vector<std::string> ids_;
};

// Equality whose time depends on key.size() only: a presented value of another length is
// compared as the key against itself, and every byte is read without an early exit.
bool keyEqualsConstantTime(std::string_view presented, std::string_view key);

}  // namespace relay
