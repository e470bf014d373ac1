#include "core/store/store_error_reason.h"

namespace relay::store {

const char* storeErrorReason(std::string_view message) {
  auto has = [message](std::string_view text) { return message.find(text) != message.npos; };
  if (has("database is locked") || has("database is busy")) return "locked";
  if (has("disk is full")) return "full";
  if (has("disk I/O error")) return "io";
  return "other";
}

}  // namespace relay::store
