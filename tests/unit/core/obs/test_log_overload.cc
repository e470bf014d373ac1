#include <doctest/doctest.h>

#include <condition_variable>
#include <mutex>

#include "core/obs/log.h"
#include "core/obs/log_writer.h"
#include "log_capture.h"

namespace relay {
namespace {

// A sink that holds the log thread inside its first batch until released.
class StallingSink {
 public:
  void install() {
    LogWriter::instance().setSink([this](LogStream, std::string_view batch) {
      std::unique_lock<std::mutex> lock(mu_);
      written_.append(batch);
      entered_ = true;
      changed_.notify_all();
      changed_.wait(lock, [&] { return released_; });
    });
  }
  void waitEntered() {
    std::unique_lock<std::mutex> lock(mu_);
    changed_.wait(lock, [&] { return entered_; });
  }
  void release() {
    std::lock_guard<std::mutex> lock(mu_);
    released_ = true;
    changed_.notify_all();
  }
  std::string written() {
    std::lock_guard<std::mutex> lock(mu_);
    return written_;
  }

 private:
  std::mutex mu_;
  std::condition_variable changed_;
  std::string written_;
  bool entered_ = false;
  bool released_ = false;
};

TEST_CASE("over capacity, lines are dropped, counted and the count is reported next") {
  flushLogs();
  StallingSink sink;
  sink.install();
  setLogQueueCapacity(8);
  uint64_t dropped_before = droppedLogLines();

  logLine(LogLevel::kInfo, "t", "first");  // the writer takes it and stalls in the sink
  sink.waitEntered();
  for (int i = 0; i < 8; ++i) logf(LogLevel::kInfo, "t", "kept %d", i);
  for (int i = 0; i < 5; ++i) logf(LogLevel::kInfo, "t", "dropped %d", i);
  CHECK(droppedLogLines() - dropped_before == 5);

  sink.release();
  flushLogs();
  logLine(LogLevel::kInfo, "t", "after");
  flushLogs();
  LogWriter::instance().setSink(nullptr);
  setLogQueueCapacity(LogWriter::kDefaultCapacity);

  auto lines = test::splitLines(sink.written());
  REQUIRE(lines.size() == 11);
  CHECK(lines[0].ends_with("[t] first"));
  for (int i = 0; i < 8; ++i) CHECK(lines[1 + i].ends_with("[t] kept " + std::to_string(i)));
  CHECK(lines[9].ends_with(" WARN  [log] dropped 5 log lines: log queue full"));
  CHECK(lines[10].ends_with("[t] after"));
  CHECK(sink.written().find("dropped 0") == std::string::npos);
}

}  // namespace
}  // namespace relay
