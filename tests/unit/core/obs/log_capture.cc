#include "log_capture.h"

#include <sstream>

#include "core/obs/log.h"

namespace relay::test {

LogCapture::LogCapture() {
  flushLogs();
  LogWriter::instance().setSink([this](LogStream stream, std::string_view batch) {
    std::lock_guard<std::mutex> lock(mu_);
    (stream == LogStream::kMain ? main_ : access_).append(batch);
  });
}

LogCapture::~LogCapture() {
  flushLogs();
  LogWriter::instance().setSink(nullptr);
}

std::string LogCapture::text(LogStream stream) {
  flushLogs();
  std::lock_guard<std::mutex> lock(mu_);
  return stream == LogStream::kMain ? main_ : access_;
}

std::vector<std::string> splitLines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) lines.push_back(line);
  return lines;
}

}  // namespace relay::test
