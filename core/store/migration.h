// One schema step: migrations/NNNN_name.sql, embedded at build time.
#pragma once

#include <span>
#include <string_view>

namespace relay::store {

struct Migration {
  int version;            // NNNN from the file name; 1, 2, 3, ... without gaps
  std::string_view name;  // the file name, e.g. "0001_init.sql", for error messages
  std::string_view sql;
};

// The migrations compiled into this binary, in version order (generated from migrations/).
std::span<const Migration> embeddedMigrations();

}  // namespace relay::store
