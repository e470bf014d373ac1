// Routes the log writer's batches into a string for a test's lifetime.
#pragma once

#include <mutex>
#include <string>
#include <vector>

#include "core/obs/log_writer.h"

namespace relay::test {

class LogCapture {
 public:
  LogCapture();
  ~LogCapture();
  // Flushes the log thread, then returns everything written to `stream` so far.
  std::string text(LogStream stream = LogStream::kMain);

 private:
  std::mutex mu_;
  std::string main_;
  std::string access_;
};

// Lines of `text` (without their '\n').
std::vector<std::string> splitLines(const std::string& text);

}  // namespace relay::test
