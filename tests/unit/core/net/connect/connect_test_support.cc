#include "connect_test_support.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "doctest/doctest.h"

namespace relay::test {

namespace {

const char* const kNodeServerScript = R"JS(
const [mode, alpn, key, cert] = process.argv.slice(2);
const fs = require('fs'), net = require('net'), tls = require('tls');
let server;
if (mode === 'tls') {
  server = tls.createServer({key: fs.readFileSync(key), cert: fs.readFileSync(cert),
                             ALPNProtocols: alpn.split(',')}, (s) => {
    s.write('ALPN:' + (s.alpnProtocol || '') + '\n');
    s.pipe(s);
    s.on('error', () => {});
  });
  server.on('tlsClientError', () => {});
} else if (mode === 'echo') {
  server = net.createServer((s) => { s.pipe(s); s.on('error', () => {}); });
} else if (mode === 'fakeproxy') {
  server = net.createServer((s) => {
    let head = '';
    s.on('error', () => {});
    const onData = (d) => {
      head += d.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      s.removeListener('data', onData);
      const line = head.split('\r\n')[0];
      s.write('HTTP/1.1 200 Connection established\r\n\r\nEARLY-BYTES<' + line + '>');
      s.pipe(s);
    };
    s.on('data', onData);
  });
}
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
)JS";

}  // namespace

void requireBinary(const std::string& name) {
  std::string cmd = "command -v " + name + " >/dev/null 2>&1";
  INFO("required binary missing from PATH: " << name);
  REQUIRE(std::system(cmd.c_str()) == 0);
}

TestLoop::TestLoop() {
  uv_loop_init(&loop_);
}

TestLoop::~TestLoop() {
  runFor(20);  // let close callbacks run
  int rc = uv_loop_close(&loop_);
  CHECK_MESSAGE(rc == 0, "a libuv handle was left open");
  if (rc != 0) {
    uv_walk(
        &loop_,
        [](uv_handle_t* h, void*) {
          if (!uv_is_closing(h)) uv_close(h, nullptr);
        },
        nullptr);
    uv_run(&loop_, UV_RUN_DEFAULT);
    uv_loop_close(&loop_);
  }
}

bool TestLoop::runUntil(const std::function<bool()>& done, int timeout_ms) {
  uv_timer_t tick;
  uv_timer_init(&loop_, &tick);
  uv_timer_start(
      &tick, [](uv_timer_t*) {}, 5, 5);  // wakes the loop to re-check done()
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (!done() && std::chrono::steady_clock::now() < deadline) uv_run(&loop_, UV_RUN_ONCE);
  uv_close(reinterpret_cast<uv_handle_t*>(&tick), nullptr);
  uv_run(&loop_, UV_RUN_NOWAIT);
  return done();
}

void TestLoop::runFor(int ms) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  runUntil([&] { return std::chrono::steady_clock::now() >= deadline; }, ms + 100);
}

TempDir::TempDir() {
  char tmpl[] = "/tmp/relay-connect-test-XXXXXX";
  char* p = mkdtemp(tmpl);
  if (p == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = p;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

void TempDir::write(const std::string& name, const std::string& content) const {
  std::ofstream(file(name)) << content;
}

std::string readFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

uint16_t freePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  close(fd);
  return ntohs(a.sin_port);
}

bool waitForPort(uint16_t port, int timeout_ms) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int rc = connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    close(fd);
    if (rc == 0) return true;
    usleep(20000);
  }
  return false;
}

ChildProcess::ChildProcess(std::vector<std::string> argv, const std::string& log_path) {
  int out[2];
  if (pipe(out) != 0) throw std::runtime_error("pipe failed");
  pid_ = fork();
  if (pid_ == 0) {
    int log = open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(out[1], 1);
    dup2(log, 2);
    close(out[0]);
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    execvp(args[0], args.data());
    _exit(127);
  }
  close(out[1]);
  stdout_fd_ = out[0];
}

ChildProcess::~ChildProcess() {
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    waitpid(pid_, nullptr, 0);
  }
  if (stdout_fd_ >= 0) close(stdout_fd_);
}

std::string ChildProcess::readLine(int timeout_ms) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (buffered_.find('\n') == std::string::npos) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return "";
    pollfd p{stdout_fd_, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left.count())) <= 0) return "";
    char buf[512];
    ssize_t n = read(stdout_fd_, buf, sizeof buf);
    if (n <= 0) return "";
    buffered_.append(buf, static_cast<size_t>(n));
  }
  size_t nl = buffered_.find('\n');
  std::string line = buffered_.substr(0, nl);
  buffered_.erase(0, nl + 1);
  return line;
}

const TestCerts& testCerts() {
  static TempDir dir;
  static TestCerts certs = [] {
    requireBinary("openssl");
    const std::string d = dir.path();
    dir.write("ext.cnf",
              "basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n"
              "subjectAltName=DNS:localhost\n");
    std::string ec = " -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
    std::string cmd = "cd " + d + " && openssl req -x509" + ec +
                      " -keyout ca.key -out ca.pem -days 2 -subj /CN=relay-test-ca 2>/dev/null"
                      " && openssl req" +
                      ec +
                      " -keyout server.key -out server.csr -subj /CN=localhost"
                      " 2>/dev/null && openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key"
                      " -CAcreateserial -out server.pem -days 2 -extfile ext.cnf 2>/dev/null";
    REQUIRE(std::system(cmd.c_str()) == 0);
    return TestCerts{d + "/ca.pem", d + "/server.pem", d + "/server.key"};
  }();
  return certs;
}

NodeServer::NodeServer(const std::string& mode, const std::string& alpn) {
  requireBinary("node");
  dir_.write("server.js", kNodeServerScript);
  std::vector<std::string> argv = {"node", dir_.file("server.js"), mode, alpn.empty() ? "-" : alpn};
  if (mode == "tls") {
    argv.push_back(testCerts().server_key);
    argv.push_back(testCerts().server_cert);
  }
  child_ = std::make_unique<ChildProcess>(argv, dir_.file("node.log"));
  std::string line = child_->readLine();
  INFO("node server did not start: " << readFile(dir_.file("node.log")));
  REQUIRE(!line.empty());
  port_ = static_cast<uint16_t>(std::stoi(line));
}

SilentListener::SilentListener(int backlog) {
  fd_ = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
  listen(fd_, backlog);
  socklen_t len = sizeof a;
  getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
  port_ = ntohs(a.sin_port);
}

SilentListener::~SilentListener() {
  for (int c : clients_) close(c);
  close(fd_);
}

void SilentListener::fillBacklog() {
  for (int i = 0; i < 8; ++i) {
    int c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port_);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connect(c, reinterpret_cast<sockaddr*>(&a), sizeof a);
    clients_.push_back(c);
  }
  usleep(50000);
}

bool SilentListener::connectionPending(int timeout_ms) const {
  pollfd p{fd_, POLLIN, 0};
  return poll(&p, 1, timeout_ms) == 1 && (p.revents & POLLIN) != 0;
}

ConnectOutcome connectAndWait(TestLoop& loop, DnsCache& dns, const ConnectOptions& opts,
                              int timeout_ms) {
  ConnectOutcome out;
  auto attempt = connectTransport(
      loop.get(), dns, opts, [&](std::unique_ptr<Transport> t, std::optional<TransportError> e) {
        out.done = true;
        out.transport = std::move(t);
        out.error = std::move(e);
      });
  CHECK_FALSE(out.done);  // never called back inside connectTransport()
  loop.runUntil([&] { return out.done; }, timeout_ms);
  return out;
}

}  // namespace relay::test
