#include "upstream_test_env.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace relay::test {

namespace {

void run(const std::string& cmd) {
  if (std::system(cmd.c_str()) != 0) throw std::runtime_error("test setup failed: " + cmd);
}

// A private CA and a server certificate for localhost / 127.0.0.1 signed by it.
void makeCertificates(const std::string& dir) {
  std::string d = "'" + dir + "'";
  run("cd " + d +
      " && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes"
      " -keyout ca.key -out ca.pem -days 2 -subj /CN=relay-test-ca"
      " -addext basicConstraints=critical,CA:TRUE -addext keyUsage=keyCertSign,cRLSign"
      " 2>/dev/null"
      " && openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes"
      " -keyout server.key -out server.csr -subj /CN=localhost 2>/dev/null"
      " && printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\\n' > san.ext"
      " && openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial"
      " -out server.pem -days 2 -extfile san.ext 2>/dev/null");
}

uint16_t portField(const std::string& line, const std::string& name) {
  size_t at = line.find("\"" + name + "\":");
  if (at == std::string::npos) return 0;
  return static_cast<uint16_t>(std::atoi(line.c_str() + at + name.size() + 3));
}

}  // namespace

NodeUpstream& NodeUpstream::get() {
  static NodeUpstream instance;
  return instance;
}

NodeUpstream::NodeUpstream() {
  char tmpl[] = "/tmp/relay-upstream-test-XXXXXX";
  if (mkdtemp(tmpl) == nullptr) throw std::runtime_error("mkdtemp failed");
  dir_ = tmpl;
  makeCertificates(dir_);
  ca_file_ = dir_ + "/ca.pem";
  int out_pipe[2], in_pipe[2];
  if (pipe(out_pipe) != 0 || pipe(in_pipe) != 0) throw std::runtime_error("pipe failed");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
  posix_spawn_file_actions_adddup2(&actions, in_pipe[0], 0);
  posix_spawn_file_actions_addclose(&actions, out_pipe[0]);
  posix_spawn_file_actions_addclose(&actions, in_pipe[1]);
  std::string script = UPSTREAM_TEST_SERVER_JS;
  char* argv[] = {const_cast<char*>("node"), script.data(), dir_.data(), nullptr};
  pid_t pid = 0;
  if (posix_spawnp(&pid, "node", &actions, nullptr, argv, environ) != 0)
    throw std::runtime_error("cannot start node");
  posix_spawn_file_actions_destroy(&actions);
  close(out_pipe[1]);
  close(in_pipe[0]);
  out_fd_ = out_pipe[0];
  in_fd_ = in_pipe[1];  // kept open: node exits when it sees EOF, i.e. when we exit
  fcntl(out_fd_, F_SETFL, fcntl(out_fd_, F_GETFL) | O_NONBLOCK);
  for (int i = 0; i < 1000 && h2_ == 0; ++i) {
    poll();
    for (const auto& line : lines_) {
      if (line.find("\"listening\"") == std::string::npos) continue;
      h2_ = portField(line, "h2");
      h1tls_ = portField(line, "h1tls");
      plain_ = portField(line, "plain");
      h2_frames_ = portField(line, "h2frames");
    }
    if (h2_ == 0) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (h2_ == 0) throw std::runtime_error("node test upstream did not start");
}

void NodeUpstream::poll() {
  char buf[4096];
  for (;;) {
    ssize_t n = read(out_fd_, buf, sizeof(buf));
    if (n <= 0) break;
    partial_.append(buf, static_cast<size_t>(n));
  }
  size_t nl;
  while ((nl = partial_.find('\n')) != std::string::npos) {
    lines_.push_back(partial_.substr(0, nl));
    partial_.erase(0, nl + 1);
  }
}

size_t NodeUpstream::mark() {
  poll();
  return lines_.size();
}

std::vector<std::string> NodeUpstream::events(size_t mark,
                                              std::initializer_list<std::string_view> parts) {
  poll();
  std::vector<std::string> out;
  for (size_t i = mark; i < lines_.size(); ++i) {
    bool all = true;
    for (auto p : parts) all = all && lines_[i].find(p) != std::string::npos;
    if (all) out.push_back(lines_[i]);
  }
  return out;
}

bool runUntil(uv_loop_t* loop, const std::function<bool()>& done, int timeout_ms) {
  // A ticking timer keeps UV_RUN_ONCE from blocking while we also watch the server's pipe.
  uv_timer_t tick;
  uv_timer_init(loop, &tick);
  uv_timer_start(
      &tick, [](uv_timer_t*) {}, 5, 5);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  bool ok = false;
  while (!(ok = done()) && std::chrono::steady_clock::now() < deadline) {
    uv_run(loop, UV_RUN_ONCE);
    NodeUpstream::get().poll();
  }
  uv_close(reinterpret_cast<uv_handle_t*>(&tick), nullptr);
  uv_run(loop, UV_RUN_NOWAIT);
  return ok;
}

bool waitForEvent(uv_loop_t* loop, size_t mark, std::initializer_list<std::string_view> parts,
                  int timeout_ms) {
  auto& server = NodeUpstream::get();
  return runUntil(
      loop, [&] { return !server.events(mark, parts).empty(); }, timeout_ms);
}

void RecordingHandler::onResponseHeaders(int s, Headers h) {
  status = s;
  headers = std::move(h);
  if (on_headers) on_headers();
}

bool RecordingHandler::onResponseData(std::string_view bytes) {
  body.append(bytes);
  chunks.emplace_back(bytes);
  return on_data ? on_data(bytes) : true;
}

ClientLoop::ClientLoop() {
  NodeUpstream::get();
  uv_loop_init(&loop);
  client.emplace(&loop);
}

ClientLoop::~ClientLoop() {
  client.reset();
  for (int i = 0; i < 100 && uv_run(&loop, UV_RUN_NOWAIT) != 0; ++i) {
  }
  uv_walk(
      &loop,
      [](uv_handle_t* h, void*) {
        if (!uv_is_closing(h)) uv_close(h, nullptr);
      },
      nullptr);
  uv_run(&loop, UV_RUN_DEFAULT);
  uv_loop_close(&loop);
}

UpstreamRequest ClientLoop::request(std::string url) const {
  UpstreamRequest r;
  r.url = std::move(url);
  r.ca_file = NodeUpstream::get().caFile();
  r.account_id = "test-account";
  r.timeouts.response_headers_ms = 5000;
  r.timeouts.body_idle_ms = 5000;
  return r;
}

std::string httpsUrl(uint16_t port, std::string_view path) {
  return "https://127.0.0.1:" + std::to_string(port) + std::string(path);
}

std::string httpUrl(uint16_t port, std::string_view path) {
  return "http://127.0.0.1:" + std::to_string(port) + std::string(path);
}

}  // namespace relay::test
