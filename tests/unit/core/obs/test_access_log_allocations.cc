// The access log's worker path allocates nothing once its buffers have grown. Allocations are
// counted by tests/unit/support/allocation_counter.
#include <doctest/doctest.h>

#include <thread>

#include "core/obs/access_log.h"
#include "core/obs/log.h"
#include "core/obs/redact.h"
#include "log_capture.h"
#include "tests/unit/support/allocation_counter.h"

namespace relay {
namespace {

TEST_CASE(
    "once its buffers have grown, a worker formats and hands over access lines without "
    "allocating") {
  test::LogCapture capture;
  addRedactedValue("sk-alloc-secret-123456");  // masking runs over every line
  constexpr int kRounds = 8;
  constexpr int kLinesPerRound = 16;  // one worker loop iteration
  size_t allocations = 0;
  std::thread worker([&] {
    batchAccessLogOnThisThread();
    AccessLogEntry e;
    e.method = "POST";
    e.path = "/v1/messages?beta=true";
    e.status = 200;
    e.bytes_sent = 800;
    e.account_id = "account-with-a-longer-name";
    e.key_id = "key-6ab9f1eb";
    e.route = "anthropic";
    auto round = [&](int n) {
      for (int i = 0; i < kLinesPerRound; ++i) {
        e.duration_ms = 0.25 + n * kLinesPerRound + i;
        writeAccessLog(e);
      }
      flushAccessLog();
    };
    // Two passes grow the thread's buffers and leave written ones with the log thread to reuse.
    for (int pass = 0; pass < 2; ++pass) {
      for (int n = 0; n < kRounds; ++n) round(n);
      flushLogs();
    }
    round(0);  // hands over a grown buffer and takes a written one back
    flushLogs();
    // Each round waits for its lines to be written, so a written buffer is always there to take
    // (how many are in flight otherwise depends on the log thread's timing).
    allocations = test::allocationsOf([&] {
      for (int n = 0; n < kRounds; ++n) {
        round(n);
        flushLogs();
      }
    });
  });
  worker.join();
  CHECK(allocations == 0);
  auto lines = test::splitLines(capture.text(LogStream::kAccess));
  CHECK(lines.size() == (3 * kRounds + 1) * kLinesPerRound);
  CHECK(lines.back().ends_with(
      "[access] method=POST path=/v1/messages status=200 bytes=800 duration_ms=127.25 "
      "account=account-with-a-longer-name key=key-6ab9f1eb route=anthropic"));
  clearRedactedValues();
}

}  // namespace
}  // namespace relay
