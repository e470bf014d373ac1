// Real helpers for the connect tests: a loop, child processes (node, microsocks, tinyproxy),
// a test CA, free ports, and a recording Transport::Handler.
#pragma once

#include <uv.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/net/connect/connector.h"

namespace relay::test {

// Fails the test (does not skip) when `name` is not on PATH.
void requireBinary(const std::string& name);

// A loop that, when destroyed, checks every handle was closed (libuv lifetime rules).
class TestLoop {
 public:
  TestLoop();
  ~TestLoop();
  uv_loop_t* get() { return &loop_; }
  // Runs until `done()` or `timeout_ms`; returns done().
  bool runUntil(const std::function<bool()>& done, int timeout_ms = 5000);
  void runFor(int ms);

 private:
  uv_loop_t loop_;
};

class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }
  void write(const std::string& name, const std::string& content) const;

 private:
  std::string path_;
};

std::string readFile(const std::string& path);
uint16_t freePort();
bool waitForPort(uint16_t port, int timeout_ms = 5000);

// A child process with stdout on a pipe and stderr into `log_path`; killed when destroyed.
class ChildProcess {
 public:
  ChildProcess(std::vector<std::string> argv, const std::string& log_path);
  ~ChildProcess();
  std::string readLine(int timeout_ms = 10000);  // from stdout

 private:
  int pid_ = -1;
  int stdout_fd_ = -1;
  std::string buffered_;
};

// Test CA and certificates (openssl CLI), made once per process.
struct TestCerts {
  std::string ca_file;      // CA certificate (PEM)
  std::string server_cert;  // for DNS:localhost only, signed by the CA
  std::string server_key;
};
const TestCerts& testCerts();

// node <script> <mode> ...: prints its port on the first stdout line. Modes: "tls <alpn,list>",
// "echo", "fakeproxy" (answers CONNECT with 200 and early bytes in the same write).
class NodeServer {
 public:
  NodeServer(const std::string& mode, const std::string& alpn = "");
  uint16_t port() const { return port_; }

 private:
  TempDir dir_;
  std::unique_ptr<ChildProcess> child_;
  uint16_t port_ = 0;
};

// A listener whose connections the kernel completes but nobody ever answers.
class SilentListener {
 public:
  explicit SilentListener(int backlog = 16);
  ~SilentListener();
  uint16_t port() const { return port_; }
  // Fills the accept queue so that new SYNs are dropped (connect then hangs).
  void fillBacklog();
  // Whether a completed connection waits in the accept queue within `timeout_ms` (the caller's
  // loop does not run meanwhile).
  bool connectionPending(int timeout_ms) const;

 private:
  int fd_ = -1;
  uint16_t port_ = 0;
  std::vector<int> clients_;
};

struct ConnectOutcome {
  bool done = false;
  std::unique_ptr<Transport> transport;
  std::optional<TransportError> error;
};
ConnectOutcome connectAndWait(TestLoop& loop, DnsCache& dns, const ConnectOptions& opts,
                              int timeout_ms = 8000);

class RecordingHandler : public Transport::Handler {
 public:
  void onTransportData(std::string_view bytes) override {
    data += bytes;
    ++data_events;
  }
  void onTransportClosed(const TransportError* error) override {
    closed = true;
    if (error != nullptr) close_error = *error;
  }
  void onTransportWritable() override { ++writable_events; }

  std::string data;
  int data_events = 0;
  int writable_events = 0;
  bool closed = false;
  std::optional<TransportError> close_error;
};

}  // namespace relay::test
