#include "core/obs/access_log.h"

#include <atomic>
#include <charconv>
#include <cmath>
#include <cstdio>

#include "core/obs/log.h"
#include "core/obs/log_writer.h"
#include "core/obs/secret_values.h"

namespace relay {
namespace {

std::atomic<bool> g_access_enabled{true};

// Lines waiting on a batching thread; flushed past this size even inside one loop iteration.
constexpr size_t kAccessBatchBytes = 64 * 1024;
struct AccessBatch {
  bool enabled = false;
  std::string lines;
};
thread_local AccessBatch t_batch;

bool needsQuoting(std::string_view value) {
  if (value.empty()) return true;
  for (unsigned char c : value) {
    if (c <= ' ' || c == '=' || c == '"' || c == '\\' || c == 0x7f) return true;
  }
  return false;
}

void appendQuoted(std::string& line, std::string_view value) {
  line.push_back('"');
  for (unsigned char c : value) {
    switch (c) {
      case '"':
        line += "\\\"";
        break;
      case '\\':
        line += "\\\\";
        break;
      case '\n':
        line += "\\n";
        break;
      case '\r':
        line += "\\r";
        break;
      case '\t':
        line += "\\t";
        break;
      default:
        if (c < ' ' || c == 0x7f) {
          char hex[8];
          std::snprintf(hex, sizeof(hex), "\\x%02x", c);
          line += hex;
        } else {
          line.push_back(static_cast<char>(c));
        }
    }
  }
  line.push_back('"');
}

void appendNumber(std::string& line, std::string_view key, uint64_t value) {
  char buf[24];
  auto result = std::to_chars(buf, buf + sizeof(buf), value);
  appendLogfmtField(line, key, std::string_view(buf, static_cast<size_t>(result.ptr - buf)));
}

// Milliseconds to three decimals without trailing zeros: 4.2, 12, 0.035.
std::string formatMillis(double ms) {
  if (!std::isfinite(ms) || ms < 0) ms = 0;
  char buf[48];
  int n = std::snprintf(buf, sizeof(buf), "%.3f", ms);
  std::string text(buf, static_cast<size_t>(n));
  while (!text.empty() && text.back() == '0') text.pop_back();
  if (!text.empty() && text.back() == '.') text.pop_back();
  return text;
}

std::string_view withoutQuery(std::string_view path) {
  size_t cut = path.find_first_of("?#");
  return cut == std::string_view::npos ? path : path.substr(0, cut);
}

}  // namespace

void appendLogfmtField(std::string& line, std::string_view key, std::string_view value) {
  if (!line.empty()) line.push_back(' ');
  line += key;
  line.push_back('=');
  if (needsQuoting(value)) {
    appendQuoted(line, value);
  } else {
    line += value;
  }
}

std::string formatAccessLogLine(const AccessLogEntry& entry) {
  std::string line;
  line.reserve(160);
  appendLogfmtField(line, "method", entry.method);
  appendLogfmtField(line, "path", withoutQuery(entry.path));
  appendNumber(line, "status", static_cast<uint64_t>(entry.status < 0 ? 0 : entry.status));
  appendNumber(line, "bytes", entry.bytes_sent);
  appendLogfmtField(line, "duration_ms", formatMillis(entry.duration_ms));
  if (!entry.account_id.empty()) appendLogfmtField(line, "account", entry.account_id);
  if (!entry.key_id.empty()) appendLogfmtField(line, "key", entry.key_id);
  if (!entry.route.empty()) appendLogfmtField(line, "route", entry.route);
  if (entry.upstream_status > 0) {
    appendNumber(line, "upstream_status", static_cast<uint64_t>(entry.upstream_status));
  }
  return line;
}

bool setAccessLog(const std::string& target, std::string* error) {
  if (target == "off") {
    g_access_enabled.store(false, std::memory_order_relaxed);
    return true;
  }
  std::string path = (target == "on" || target == "stderr") ? std::string() : target;
  if (!LogWriter::instance().setFile(LogStream::kAccess, path, error)) return false;
  g_access_enabled.store(true, std::memory_order_relaxed);
  return true;
}

bool accessLogEnabled() {
  return g_access_enabled.load(std::memory_order_relaxed);
}

void writeAccessLog(const AccessLogEntry& entry) {
  if (!accessLogEnabled()) return;
  std::string line = formatLogLine(logClockMs(), LogLevel::kInfo, "access",
                                   redactSecrets(maskSecretValues(formatAccessLogLine(entry))));
  if (!t_batch.enabled) {
    LogWriter::instance().enqueue(LogStream::kAccess, std::move(line));
    return;
  }
  t_batch.lines += line;
  if (t_batch.lines.size() >= kAccessBatchBytes) flushAccessLog();
}

void batchAccessLogOnThisThread() {
  t_batch.enabled = true;
}

void flushAccessLog() {
  if (t_batch.lines.empty()) return;
  std::string lines;
  lines.reserve(t_batch.lines.capacity());
  lines.swap(t_batch.lines);
  LogWriter::instance().enqueue(LogStream::kAccess, std::move(lines));
}

}  // namespace relay
