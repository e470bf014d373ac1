#include "core/store/store_error_reason.h"

#include <doctest/doctest.h>
#include <sqlite3.h>

#include <string>

namespace relay::store {
namespace {

// A store failure as Store reports it, with SQLite's own text for the code.
std::string batchFailure(int rc) {
  return "store batch of 3 jobs failed on /var/lib/relay/relay.db: " +
         std::string(sqlite3_errstr(rc));
}

}  // namespace

TEST_CASE("store failures are classed by what the operator does about them") {
  CHECK(std::string(storeErrorReason(batchFailure(SQLITE_BUSY))) == "locked");
  CHECK(std::string(storeErrorReason(batchFailure(SQLITE_FULL))) == "full");
  CHECK(std::string(storeErrorReason(batchFailure(SQLITE_CONSTRAINT))) == "other");
  CHECK(std::string(storeErrorReason("store job failed on x.db: boom")) == "other");
}

TEST_CASE("every SQLITE_IOERR code is a disk I/O error, reason io") {
  for (int rc : {SQLITE_IOERR, SQLITE_IOERR_READ, SQLITE_IOERR_SHORT_READ, SQLITE_IOERR_WRITE,
                 SQLITE_IOERR_FSYNC, SQLITE_IOERR_TRUNCATE, SQLITE_IOERR_LOCK}) {
    CAPTURE(rc);
    CHECK(std::string(storeErrorReason(batchFailure(rc))) == "io");
  }
}

}  // namespace relay::store
