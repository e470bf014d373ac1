#include "core/obs/log.h"

#include <chrono>
#include <cstdarg>
#include <cstdio>
#include <ctime>

#include "core/obs/log_writer.h"

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
  size_t run = 0;  // message[run, i) is still to be appended
  for (size_t i = 0; i < message.size(); ++i) {
    char c = message[i];
    if (c != '\n' && c != '\r') continue;
    out.append(message.substr(run, i - run));
    out += c == '\n' ? "\\n" : "\\r";
    run = i + 1;
  }
  out.append(message.substr(run));
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

namespace {

// `2026-11-28T20:37:17.`: one gmtime and format per second and thread, not per line.
struct SecondPrefix {
  int64_t second = -1;
  char text[32] = {};
  size_t size = 0;
};

void appendTimestamp(std::string& out, int64_t unix_ms) {
  if (unix_ms < 0) unix_ms = 0;
  thread_local SecondPrefix cached;
  int64_t second = unix_ms / 1000;
  if (second != cached.second) {
    std::time_t t = static_cast<std::time_t>(second);
    std::tm utc{};
    gmtime_r(&t, &utc);
    int n = std::snprintf(cached.text, sizeof(cached.text), "%04d-%02d-%02dT%02d:%02d:%02d.",
                          utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min,
                          utc.tm_sec);
    cached.size = n > 0 ? static_cast<size_t>(n) : 0;
    cached.second = second;
  }
  out.append(cached.text, cached.size);
  int ms = static_cast<int>(unix_ms % 1000);
  const char digits[3] = {static_cast<char>('0' + ms / 100), static_cast<char>('0' + ms / 10 % 10),
                          static_cast<char>('0' + ms % 10)};
  out.append(digits, 3);
}

}  // namespace

void appendLogLine(std::string& out, int64_t unix_ms, LogLevel level, std::string_view component,
                   std::string_view message) {
  appendTimestamp(out, unix_ms);
  out += "Z ";
  std::string_view name = logLevelName(level);
  out += name;
  out.append(name.size() < 5 ? 5 - name.size() : 0, ' ');  // as printf's %-5s
  out += " [";
  out += component;
  out += "] ";
  appendEscapedMessage(out, message);
  out.push_back('\n');
}

std::string formatLogLine(int64_t unix_ms, LogLevel level, std::string_view component,
                          std::string_view message) {
  std::string line;
  line.reserve(32 + component.size() + message.size());
  appendLogLine(line, unix_ms, level, component, message);
  return line;
}

void appendRedactedLogLine(std::string& out, LogLevel level, std::string_view component,
                           std::string_view message) {
  thread_local std::string redacted;
  redacted.clear();
  appendRedacted(redacted, message);
  appendLogLine(out, logClockMs(), level, component, redacted);
}

void logLine(LogLevel level, std::string_view component, std::string_view message) {
  if (!logEnabled(level)) return;
  std::string line;
  line.reserve(48 + component.size() + message.size());
  appendRedactedLogLine(line, level, component, message);
  LogWriter::instance().enqueue(LogStream::kMain, std::move(line));
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
