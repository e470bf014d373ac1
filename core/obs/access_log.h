// One logfmt line per finished request, written by the log thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace relay {

// Views of the request's own strings: an entry lives only for the writeAccessLog call.
struct AccessLogEntry {
  std::string_view method;
  std::string_view path;  // may carry a query string; it is never logged (`?key=` secrets)
  int status = 0;
  uint64_t bytes_sent = 0;
  double duration_ms = 0;
  std::string_view account_id;  // empty: not logged
  std::string_view key_id;      // empty: not logged
  std::string_view route;       // empty: not logged
  int upstream_status = 0;      // 0: not logged
};

// `method=POST path=/v1/messages status=200 bytes=123 duration_ms=4.2 account=acct-1 key=k1`
// (then route=, upstream_status= when set); no timestamp and no newline.
std::string formatAccessLogLine(const AccessLogEntry& entry);

// Appends `key=value` to a logfmt line, quoting and escaping the value when needed.
void appendLogfmtField(std::string& line, std::string_view key, std::string_view value);

// "off" disables; "" / "on" / "stderr" writes to the main log's destination; anything else is a
// file path (appending). False with a reason in *error when the file cannot be opened.
bool setAccessLog(const std::string& target, std::string* error);
bool accessLogEnabled();

// Queues `<timestamp> INFO  [access] <logfmt>` for the log thread, masked like every log line
// (log.h appendRedactedLogLine); never filtered by log level. On a thread that batches (below),
// the line is appended to that thread's buffer instead.
void writeAccessLog(const AccessLogEntry& entry);

// Worker threads: from now on this thread's access lines collect in a thread-local buffer, handed
// to the log thread as one entry by flushAccessLog() (a worker calls it once per loop iteration,
// and it happens past 64 KB too). Writing a line then takes no lock and, once the buffers have
// grown, no allocation: the buffers are formatted into in place and the log thread hands written
// ones back (LogWriter::enqueueBatch). When the log thread is behind and its queue is full, the
// batch is dropped and its lines counted (droppedLogLines) and reported; nothing waits.
void batchAccessLogOnThisThread();
void flushAccessLog();

}  // namespace relay
