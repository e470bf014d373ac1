// Leveled logging that never blocks an event loop: lines are formatted on the caller thread and
// written in batches by one log writer thread (see log_writer.h).
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/obs/redact.h"

namespace relay {

enum class LogLevel : int { kTrace = 0, kDebug = 1, kInfo = 2, kWarn = 3, kError = 4 };

// "trace", "debug", "info", "warn" (or "warning"), "error"; case-insensitive.
std::optional<LogLevel> parseLogLevel(std::string_view text);
// "TRACE", "DEBUG", "INFO", "WARN", "ERROR".
const char* logLevelName(LogLevel level);

namespace log_detail {
inline std::atomic<int> g_min_level{static_cast<int>(LogLevel::kInfo)};
}  // namespace log_detail

void setLogLevel(LogLevel level);
LogLevel logLevel();
// Cheap enough for every call site: one relaxed load.
inline bool logEnabled(LogLevel level) {
  return static_cast<int>(level) >= log_detail::g_min_level.load(std::memory_order_relaxed);
}

// `2026-11-28T20:37:17.123Z INFO  [component] message\n`; newlines in the message are escaped
// so one entry is always one line.
std::string formatLogLine(int64_t unix_ms, LogLevel level, std::string_view component,
                          std::string_view message);
// The same line appended to out; allocates nothing once out has room.
void appendLogLine(std::string& out, int64_t unix_ms, LogLevel level, std::string_view component,
                   std::string_view message);
int64_t logClockMs();

// The line logLine queues, appended to out: the message with registered secret values and secret
// shapes masked (redact.h), stamped now. Allocates nothing once the thread's
// buffers and out have room.
void appendRedactedLogLine(std::string& out, LogLevel level, std::string_view component,
                           std::string_view message);

// Redacts the message, formats it and queues it; drops (and counts) when the queue is full.
void logLine(LogLevel level, std::string_view component, std::string_view message);
void logf(LogLevel level, std::string_view component, const char* fmt, ...)
    __attribute__((format(printf, 3, 4)));

// Writes the main log to `path` (appending); an empty path means stderr. False with a reason
// in *error when the file cannot be opened (the previous destination stays).
bool setLogFile(const std::string& path, std::string* error);
// Blocks until every line queued before the call is written.
void flushLogs();
// Flushes and stops the writer thread (at shutdown); a later line starts it again.
void shutdownLogs();
// Maximum queued lines before new ones are dropped.
void setLogQueueCapacity(size_t lines);
// Lines dropped since start because the queue was full.
uint64_t droppedLogLines();

}  // namespace relay

// Skips formatting (and evaluating the arguments) when the level is filtered out.
#define RELAY_LOGF(level, component, ...)                                         \
  do {                                                                            \
    if (::relay::logEnabled(level)) ::relay::logf(level, component, __VA_ARGS__); \
  } while (0)
