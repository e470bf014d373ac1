#include <doctest/doctest.h>

#include <unistd.h>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/obs/log.h"
#include "core/obs/redact.h"
#include "log_capture.h"

namespace relay {
namespace {

// Restores the default level after a test changes it.
struct LevelGuard {
  LogLevel saved = logLevel();
  ~LevelGuard() { setLogLevel(saved); }
};

TEST_CASE("parseLogLevel accepts the five names in any case") {
  CHECK(parseLogLevel("trace") == LogLevel::kTrace);
  CHECK(parseLogLevel("DEBUG") == LogLevel::kDebug);
  CHECK(parseLogLevel("Info") == LogLevel::kInfo);
  CHECK(parseLogLevel("warn") == LogLevel::kWarn);
  CHECK(parseLogLevel("warning") == LogLevel::kWarn);
  CHECK(parseLogLevel("error") == LogLevel::kError);
  CHECK_FALSE(parseLogLevel("verbose").has_value());
  CHECK_FALSE(parseLogLevel("").has_value());
}

TEST_CASE("a line has an ISO-8601 UTC timestamp, a padded level and the component") {
  // 2026-11-28T20:37:17.123Z
  CHECK(formatLogLine(1795898237123, LogLevel::kInfo, "server", "listening on 127.0.0.1:3000") ==
        "2026-11-28T20:37:17.123Z INFO  [server] listening on 127.0.0.1:3000\n");
  CHECK(formatLogLine(1795898237005, LogLevel::kError, "db", "x") ==
        "2026-11-28T20:37:17.005Z ERROR [db] x\n");
  CHECK(formatLogLine(0, LogLevel::kWarn, "a", "b") == "1970-01-01T00:00:00.000Z WARN  [a] b\n");
}

TEST_CASE("newlines in a message cannot forge a second entry") {
  CHECK(formatLogLine(0, LogLevel::kInfo, "c", "one\nERROR [x] two\r") ==
        "1970-01-01T00:00:00.000Z INFO  [c] one\\nERROR [x] two\\r\n");
}

TEST_CASE("the level filters lines below it") {
  LevelGuard guard;
  test::LogCapture capture;
  setLogLevel(LogLevel::kWarn);
  CHECK_FALSE(logEnabled(LogLevel::kInfo));
  CHECK(logEnabled(LogLevel::kError));
  logLine(LogLevel::kDebug, "t", "debug line");
  logLine(LogLevel::kInfo, "t", "info line");
  logLine(LogLevel::kWarn, "t", "warn line");
  logf(LogLevel::kError, "t", "error %d %s", 42, "line");
  RELAY_LOGF(LogLevel::kInfo, "t", "%s", "macro info");
  auto lines = test::splitLines(capture.text());
  REQUIRE(lines.size() == 2);
  CHECK(lines[0].find(" WARN  [t] warn line") != std::string::npos);
  CHECK(lines[1].find(" ERROR [t] error 42 line") != std::string::npos);
  // The shape of "2026-11-28T20:37:17.123Z ": digits where digits belong, a 'Z' at 23.
  REQUIRE(lines[1].size() > 24);
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18, 20, 21, 22}) {
    CHECK(std::isdigit(static_cast<unsigned char>(lines[1][i])));
  }
  CHECK(lines[1].substr(4, 1) == "-");
  CHECK(lines[1].substr(10, 1) == "T");
  CHECK(lines[1].substr(19, 1) == ".");
  CHECK(lines[1].substr(23) == "Z ERROR [t] error 42 line");
}

TEST_CASE("logf formats messages longer than its stack buffer") {
  test::LogCapture capture;
  std::string big(3000, 'x');
  logf(LogLevel::kInfo, "t", "[%s]", big.c_str());
  auto lines = test::splitLines(capture.text());
  REQUIRE(lines.size() == 1);
  CHECK(lines[0].find("[" + big + "]") != std::string::npos);
}

TEST_CASE("logged messages are redacted") {
  test::LogCapture capture;
  logLine(LogLevel::kInfo, "oauth", "refresh sent {\"refresh_token\":\"rt-secret-123\"}");
  std::string text = capture.text();
  CHECK(text.find("rt-secret-123") == std::string::npos);
  CHECK(text.find("\"refresh_token\":\"[REDACTED]\"") != std::string::npos);
}

TEST_CASE("flushLogs returns only after every queued line is written, in order") {
  test::LogCapture capture;
  for (int i = 0; i < 500; ++i) logf(LogLevel::kInfo, "t", "line %d", i);
  auto lines = test::splitLines(capture.text());
  REQUIRE(lines.size() == 500);
  for (int i = 0; i < 500; ++i) {
    CHECK(lines[i].ends_with("[t] line " + std::to_string(i)));
  }
}

TEST_CASE("setLogFile appends lines to a file; a bad path is an error with the path") {
  auto path = std::filesystem::temp_directory_path() /
              ("relay_obs_log_" + std::to_string(getpid()) + ".log");
  std::filesystem::remove(path);
  std::string error;
  REQUIRE(setLogFile(path.string(), &error));
  logLine(LogLevel::kWarn, "file", "to the file");
  flushLogs();
  REQUIRE(setLogFile("", &error));  // back to stderr; closes the file
  std::ifstream in(path);
  std::stringstream content;
  content << in.rdbuf();
  CHECK(content.str().ends_with(" WARN  [file] to the file\n"));
  std::filesystem::remove(path);

  CHECK_FALSE(setLogFile("/nonexistent-dir/relay.log", &error));
  CHECK(error.find("/nonexistent-dir/relay.log") != std::string::npos);
}

TEST_CASE("shutdownLogs writes pending lines and a later line restarts the writer") {
  test::LogCapture capture;
  logLine(LogLevel::kInfo, "t", "before shutdown");
  shutdownLogs();
  logLine(LogLevel::kInfo, "t", "after shutdown");
  auto lines = test::splitLines(capture.text());
  REQUIRE(lines.size() == 2);
  CHECK(lines[0].ends_with("before shutdown"));
  CHECK(lines[1].ends_with("after shutdown"));
}

TEST_CASE("a short secret registered by value never appears in a main log line") {
  LevelGuard guard;
  setLogLevel(LogLevel::kInfo);
  addRedactedValue("hunter2");  // 7 bytes: a proxy password or hand-written relay key
  test::LogCapture capture;
  logLine(LogLevel::kWarn, "proxy", "connect via http://user:hunter2@10.0.0.1 failed: hunter2");
  logf(LogLevel::kInfo, "keys", "key %s rejected", "hunter2");
  clearRedactedValues();
  std::string text = capture.text();
  CHECK(text.find("hunter2") == std::string::npos);
  CHECK(text.find("user:[REDACTED]@10.0.0.1 failed: [REDACTED]") != std::string::npos);
  CHECK(text.find("key [REDACTED] rejected") != std::string::npos);
}

}  // namespace
}  // namespace relay
