// `relay-server accounts --config FILE`: each configured account's persisted health as a table.
#pragma once

#include <ostream>

#include "core/config/config.h"

namespace relay {

// Prints the table to `out`; problems (the database cannot be opened) go to `err`.
// Returns the process exit status. A missing database is not created: the table then shows
// the configured accounts with no recorded state.
int runAccountsCommand(const Config& config, std::ostream& out, std::ostream& err);
int runAccountsCommand(const Config& config, std::ostream& out);  // errors to std::cerr

}  // namespace relay
