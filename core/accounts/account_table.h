// The `relay-server accounts` table: one line per account, aligned columns, no secrets.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/accounts/pool_account.h"

namespace relay {

// "2025-01-02T03:04:05Z" (UTC, whole seconds); "-" for 0.
std::string isoTimeUtc(int64_t unix_ms);

// Columns: ID TYPE PRIORITY STATE UNTIL REASON FAMILY-LIMITS TOKEN-EXPIRES LAST-ERROR.
std::string formatAccountTable(const std::vector<AccountSnapshot>& accounts);

}  // namespace relay
