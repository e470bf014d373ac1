#include <doctest/doctest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

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

TEST_CASE("a batch that does not fit is dropped whole, each of its lines counted") {
  flushLogs();
  StallingSink sink;
  sink.install();
  setLogQueueCapacity(8);
  uint64_t dropped_before = droppedLogLines();
  LogWriter& writer = LogWriter::instance();

  logLine(LogLevel::kInfo, "t", "first");  // the writer takes it and stalls in the sink
  sink.waitEntered();
  std::string batch = "a\nb\nc\nd\ne\n";
  CHECK(writer.enqueueBatch(LogStream::kAccess, &batch, 5));
  CHECK(batch.empty());
  batch = "f\ng\nh\ni\n";
  CHECK_FALSE(writer.enqueueBatch(LogStream::kAccess, &batch, 4));  // 5 + 4 lines > 8
  CHECK(batch.empty());  // the caller can fill its buffer again at once
  CHECK(droppedLogLines() - dropped_before == 4);
  batch = "x\ny\nz\n";
  CHECK(writer.enqueueBatch(LogStream::kAccess, &batch, 3));  // exactly full

  sink.release();
  flushLogs();
  writer.setSink(nullptr);
  setLogQueueCapacity(LogWriter::kDefaultCapacity);

  auto lines = test::splitLines(sink.written());
  REQUIRE(lines.size() == 10);
  CHECK(lines[0].ends_with("[t] first"));
  CHECK(lines[1] == "a");
  CHECK(lines[5] == "e");
  CHECK(lines[6] == "x");
  CHECK(lines[8] == "z");
  CHECK(lines[9].ends_with(" WARN  [log] dropped 4 log lines: log queue full"));
}

TEST_CASE("after a write, batched lines gather; a single line or a flush ends the pause") {
  LogWriter& writer = LogWriter::instance();
  std::mutex mu;
  std::vector<std::string> batches;
  auto written = [&] {
    std::lock_guard<std::mutex> lock(mu);
    return batches;
  };
  auto waitFor = [&](size_t count) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (written().size() < count && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
  };
  writer.setGatherMs(0);
  flushLogs();
  writer.setSink([&](LogStream, std::string_view batch) {
    std::lock_guard<std::mutex> lock(mu);
    batches.emplace_back(batch);
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(30));  // the thread is idle now
  writer.setGatherMs(60000);

  logLine(LogLevel::kInfo, "t", "one");  // an idle thread is woken and writes it at once
  waitFor(1);
  std::string batch = "two\nthree\n";  // these wait for the pause, without a wake-up
  REQUIRE(writer.enqueueBatch(LogStream::kAccess, &batch, 2));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  auto paused = written();
  logLine(LogLevel::kWarn, "t", "four");  // a warning is not held back: it ends the pause
  waitFor(3);
  auto after_line = written();
  batch = "five\n";
  REQUIRE(writer.enqueueBatch(LogStream::kAccess, &batch, 1));
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  auto before_flush = written();
  flushLogs();
  auto after_flush = written();
  writer.setGatherMs(LogWriter::kDefaultGatherMs);
  writer.setSink(nullptr);

  REQUIRE(paused.size() == 1);
  CHECK(paused[0].ends_with("[t] one\n"));
  REQUIRE(after_line.size() == 3);
  CHECK(after_line[1] == "two\nthree\n");
  CHECK(after_line[2].ends_with("[t] four\n"));
  CHECK(before_flush.size() == 3);
  REQUIRE(after_flush.size() == 4);
  CHECK(after_flush[3] == "five\n");
}

}  // namespace
}  // namespace relay
