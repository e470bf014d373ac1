// Positions in a configuration file that was translated to YAML before validation (TOML):
// each line of the generated YAML holds one token, and its position in the original file is
// kept here so every ConfigMark names the line and column the user wrote.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/config/config.h"

namespace relay {

// Indexed by the generated YAML's 0-based line: the original 1-based line and column.
struct SourceMap {
  struct Position {
    int line = 0;
    int column = 0;
  };
  std::vector<Position> lines;
};

// Registers `map` for `file` (replacing an earlier one); marks of that file's YAML nodes are
// translated from then on. Kept for the process lifetime: filter factories read marks late.
void registerSourceMap(const std::string& file, std::shared_ptr<const SourceMap> map);
void forgetSourceMap(const std::string& file);

// The 1-based position the user sees for a 0-based YAML line/column of `file`.
ConfigMark sourceMark(const std::string& file, int yaml_line, int yaml_column);

}  // namespace relay
