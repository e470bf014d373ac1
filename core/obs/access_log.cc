#include "core/obs/access_log.h"

#include <atomic>
#include <charconv>
#include <cmath>
#include <cstdio>

#include "core/obs/log.h"
#include "core/obs/log_writer.h"

namespace relay {
namespace {

std::atomic<bool> g_access_enabled{true};

// Lines waiting on a batching thread; handed over past this size even inside one loop iteration.
constexpr size_t kAccessBatchBytes = 64 * 1024;
struct AccessBatch {
  bool enabled = false;
  std::string lines;
  size_t count = 0;    // lines in `lines`
  std::string fields;  // the line being formatted, before redaction
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

// Milliseconds to three decimals without trailing zeros: 4.2, 12, 0.035 (as printf's "%.3f",
// without its cost).
void appendMillis(std::string& line, std::string_view key, double ms) {
  if (!std::isfinite(ms) || ms < 0) ms = 0;
  char buf[320];  // the largest double has 309 digits
  auto result = std::to_chars(buf, buf + sizeof(buf), ms, std::chars_format::fixed, 3);
  std::string_view text(buf, static_cast<size_t>(result.ptr - buf));
  while (!text.empty() && text.back() == '0') text.remove_suffix(1);
  if (!text.empty() && text.back() == '.') text.remove_suffix(1);
  appendLogfmtField(line, key, text);
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

void appendAccessLogFields(std::string& line, const AccessLogEntry& entry) {
  appendLogfmtField(line, "method", entry.method);
  appendLogfmtField(line, "path", withoutQuery(entry.path));
  appendNumber(line, "status", static_cast<uint64_t>(entry.status < 0 ? 0 : entry.status));
  appendNumber(line, "bytes", entry.bytes_sent);
  appendMillis(line, "duration_ms", entry.duration_ms);
  if (!entry.account_id.empty()) appendLogfmtField(line, "account", entry.account_id);
  if (!entry.key_id.empty()) appendLogfmtField(line, "key", entry.key_id);
  if (!entry.route.empty()) appendLogfmtField(line, "route", entry.route);
  if (entry.upstream_status > 0) {
    appendNumber(line, "upstream_status", static_cast<uint64_t>(entry.upstream_status));
  }
}

std::string formatAccessLogLine(const AccessLogEntry& entry) {
  std::string line;
  line.reserve(160);
  appendAccessLogFields(line, entry);
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
  AccessBatch& b = t_batch;
  b.fields.clear();
  appendAccessLogFields(b.fields, entry);
  if (!b.enabled) {
    std::string line;
    line.reserve(48 + b.fields.size());
    appendRedactedLogLine(line, LogLevel::kInfo, "access", b.fields);
    LogWriter::instance().enqueue(LogStream::kAccess, std::move(line));
    return;
  }
  appendRedactedLogLine(b.lines, LogLevel::kInfo, "access", b.fields);
  ++b.count;
  if (b.lines.size() >= kAccessBatchBytes) flushAccessLog();
}

void batchAccessLogOnThisThread() {
  t_batch.enabled = true;
}

void flushAccessLog() {
  AccessBatch& b = t_batch;
  if (b.count == 0) return;
  // Dropped lines (the writer is far behind) are counted there; the buffer comes back either way.
  LogWriter::instance().enqueueBatch(LogStream::kAccess, &b.lines, b.count);
  b.count = 0;
}

}  // namespace relay
