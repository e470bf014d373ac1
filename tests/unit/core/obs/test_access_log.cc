#include <doctest/doctest.h>

#include <unistd.h>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "core/obs/access_log.h"
#include "core/obs/log.h"
#include "core/obs/redact.h"
#include "log_capture.h"

namespace relay {
namespace {

AccessLogEntry sampleEntry() {
  AccessLogEntry e;
  e.method = "POST";
  e.path = "/v1/messages";
  e.status = 200;
  e.bytes_sent = 123;
  e.duration_ms = 4.2;
  e.account_id = "claude-1";
  e.key_id = "k1";
  return e;
}

TEST_CASE("an access line is logfmt in a fixed field order") {
  CHECK(formatAccessLogLine(sampleEntry()) ==
        "method=POST path=/v1/messages status=200 bytes=123 duration_ms=4.2 account=claude-1 "
        "key=k1");
}

TEST_CASE("optional fields appear only when set") {
  AccessLogEntry e = sampleEntry();
  e.account_id = {};
  e.key_id = {};
  e.duration_ms = 12;
  CHECK(formatAccessLogLine(e) ==
        "method=POST path=/v1/messages status=200 bytes=123 duration_ms=12");
  e.route = "claude";
  e.upstream_status = 529;
  e.duration_ms = 0.0351;
  CHECK(formatAccessLogLine(e) ==
        "method=POST path=/v1/messages status=200 bytes=123 duration_ms=0.035 route=claude "
        "upstream_status=529");
}

TEST_CASE("the query string never reaches the access log") {
  AccessLogEntry e = sampleEntry();
  e.path = "/v1beta/models/gemini-pro:generateContent?key=AIzaSECRET&alt=sse";
  std::string line = formatAccessLogLine(e);
  CHECK(line.find("path=/v1beta/models/gemini-pro:generateContent ") != std::string::npos);
  CHECK(line.find("AIzaSECRET") == std::string::npos);
  e.path = "/v1/messages#frag";
  CHECK(formatAccessLogLine(e).find("path=/v1/messages ") != std::string::npos);
}

TEST_CASE("values with spaces, quotes, equals or control characters are quoted and escaped") {
  std::string line;
  appendLogfmtField(line, "a", "plain");
  appendLogfmtField(line, "b", "two words");
  appendLogfmtField(line, "c", "say \"hi\"\\");
  appendLogfmtField(line, "d", "k=v");
  appendLogfmtField(line, "e", "line\nbreak\t\x01");
  appendLogfmtField(line, "f", "");
  CHECK(line ==
        "a=plain b=\"two words\" c=\"say \\\"hi\\\"\\\\\" d=\"k=v\" "
        "e=\"line\\nbreak\\t\\x01\" f=\"\"");
  AccessLogEntry e = sampleEntry();
  e.account_id = "my account";
  CHECK(formatAccessLogLine(e).ends_with("account=\"my account\" key=k1"));
}

TEST_CASE("writeAccessLog goes through the log thread, whatever the log level") {
  test::LogCapture capture;
  LogLevel saved = logLevel();
  setLogLevel(LogLevel::kError);
  writeAccessLog(sampleEntry());
  setLogLevel(saved);
  auto lines = test::splitLines(capture.text(LogStream::kAccess));
  REQUIRE(lines.size() == 1);
  CHECK(lines[0].ends_with(
      "Z INFO  [access] method=POST path=/v1/messages status=200 bytes=123 duration_ms=4.2 "
      "account=claude-1 key=k1"));
  CHECK(capture.text(LogStream::kMain).empty());
}

TEST_CASE("a batching (worker) thread hands its lines over in one piece, still masked") {
  test::LogCapture capture;
  addRedactedValue("sk-batch-secret-123456");
  std::thread worker([&] {
    batchAccessLogOnThisThread();
    AccessLogEntry e = sampleEntry();
    e.route = "sk-batch-secret-123456";
    writeAccessLog(e);
    writeAccessLog(sampleEntry());
    // Nothing reached the log thread yet: the lines wait in this thread's buffer.
    CHECK(capture.text(LogStream::kAccess).empty());
    flushAccessLog();
  });
  worker.join();
  auto lines = test::splitLines(capture.text(LogStream::kAccess));
  REQUIRE(lines.size() == 2);
  CHECK(lines[0].ends_with("key=k1 route=[REDACTED]"));
  CHECK(lines[1].ends_with("account=claude-1 key=k1"));
  clearRedactedValues();
}

TEST_CASE("setAccessLog(\"off\") silences the access log and a path sends it to a file") {
  std::string error;
  {
    test::LogCapture capture;
    REQUIRE(setAccessLog("off", &error));
    CHECK_FALSE(accessLogEnabled());
    writeAccessLog(sampleEntry());
    CHECK(capture.text(LogStream::kAccess).empty());
  }
  auto path = std::filesystem::temp_directory_path() /
              ("relay_obs_access_" + std::to_string(getpid()) + ".log");
  std::filesystem::remove(path);
  REQUIRE(setAccessLog(path.string(), &error));
  CHECK(accessLogEnabled());
  writeAccessLog(sampleEntry());
  flushLogs();
  REQUIRE(setAccessLog("on", &error));
  std::ifstream in(path);
  std::stringstream content;
  content << in.rdbuf();
  CHECK(
      content.str().ends_with("[access] method=POST path=/v1/messages status=200 bytes=123 "
                              "duration_ms=4.2 account=claude-1 key=k1\n"));
  std::filesystem::remove(path);
  CHECK_FALSE(setAccessLog("/nonexistent-dir/access.log", &error));
  CHECK(error.find("/nonexistent-dir/access.log") != std::string::npos);
}

}  // namespace
}  // namespace relay
