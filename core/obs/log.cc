#include "core/obs/log.h"

#include <chrono>
#include <cstdarg>
#include <cstdio>
#include <ctime>

#include "core/obs/log_writer.h"
#include "core/obs/secret_values.h"

namespace relay {
namespace {

char lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
}

bool equalsNoCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != b[i]) return false;
  }
  return true;
}

// Keeps one entry on one line: a message with a newline would forge a second entry.
void appendEscapedMessage(std::string& out, std::string_view message) {
  for (char c : message) {
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else {
      out.push_back(c);
    }
  }
}

}  // namespace

std::optional<LogLevel> parseLogLevel(std::string_view text) {
  if (equalsNoCase(text, "trace")) return LogLevel::kTrace;
  if (equalsNoCase(text, "debug")) return LogLevel::kDebug;
  if (equalsNoCase(text, "info")) return LogLevel::kInfo;
  if (equalsNoCase(text, "warn") || equalsNoCase(text, "warning")) return LogLevel::kWarn;
  if (equalsNoCase(text, "error")) return LogLevel::kError;
  return std::nullopt;
}

const char* logLevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kTrace:
      return "TRACE";
    case LogLevel::kDebug:
      return "DEBUG";
    case LogLevel::kInfo:
      return "INFO";
    case LogLevel::kWarn:
      return "WARN";
    case LogLevel::kError:
      return "ERROR";
  }
  return "?";
}

void setLogLevel(LogLevel level) {
  log_detail::g_min_level.store(static_cast<int>(level), std::memory_order_relaxed);
}

LogLevel logLevel() {
  return static_cast<LogLevel>(log_detail::g_min_level.load(std::memory_order_relaxed));
}

int64_t logClockMs() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

std::string formatLogLine(int64_t unix_ms, LogLevel level, std::string_view component,
                          std::string_view message) {
  std::time_t seconds = static_cast<std::time_t>(unix_ms / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char prefix[64];
  int n = std::snprintf(prefix, sizeof(prefix), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ %-5s [",
                        utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min,
                        utc.tm_sec, static_cast<int>(unix_ms % 1000), logLevelName(level));
  std::string line;
  line.reserve(static_cast<size_t>(n) + component.size() + message.size() + 4);
  line.append(prefix, static_cast<size_t>(n));
  line.append(component);
  line += "] ";
  appendEscapedMessage(line, message);
  line.push_back('\n');
  return line;
}

void logLine(LogLevel level, std::string_view component, std::string_view message) {
  if (!logEnabled(level)) return;
  LogWriter::instance().enqueue(
      LogStream::kMain,
      formatLogLine(logClockMs(), level, component, redactSecrets(maskSecretValues(message))));
}

void logf(LogLevel level, std::string_view component, const char* fmt, ...) {
  if (!logEnabled(level)) return;
  char stack[512];
  va_list args;
  va_start(args, fmt);
  va_list copy;
  va_copy(copy, args);
  int n = std::vsnprintf(stack, sizeof(stack), fmt, args);
  va_end(args);
  std::string message;
  if (n < 0) {
    message = "(bad log format)";
  } else if (static_cast<size_t>(n) < sizeof(stack)) {
    message.assign(stack, static_cast<size_t>(n));
  } else {
    message.resize(static_cast<size_t>(n) + 1);
    std::vsnprintf(message.data(), message.size(), fmt, copy);
    message.resize(static_cast<size_t>(n));
  }
  va_end(copy);
  logLine(level, component, message);
}

bool setLogFile(const std::string& path, std::string* error) {
  return LogWriter::instance().setFile(LogStream::kMain, path, error);
}

void flushLogs() {
  LogWriter::instance().flush();
}

void shutdownLogs() {
  LogWriter::instance().shutdown();
}

void setLogQueueCapacity(size_t lines) {
  LogWriter::instance().setCapacity(lines);
}

uint64_t droppedLogLines() {
  return LogWriter::instance().droppedTotal();
}

}  // namespace relay
