// The reason label of relay_store_errors_total for a store failure's message: what an operator
// does about it differs (wait for the other process, free disk space, check the disk).
#pragma once

#include <string_view>

namespace relay::store {

// "locked" (another process held the write lock past the busy timeout), "full" (disk or
// max_page_count), "io" (SQLITE_IOERR*: "disk I/O error"), else "other".
const char* storeErrorReason(std::string_view message);

}  // namespace relay::store
