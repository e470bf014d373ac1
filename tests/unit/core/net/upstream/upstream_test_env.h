// Shared fixtures for unit_upstream: a CA-signed test certificate, the Node.js test upstream
// (upstream_server.js) and a recording response handler.
#pragma once

#include <uv.h>

#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/net/upstream/upstream_call.h"
#include "core/net/upstream/upstream_client.h"

namespace relay::test {

// One Node.js process per test binary, started on first use, serving four listeners:
// h2 (HTTPS, ALPN h2 + http/1.1), h1tls (HTTPS, ALPN http/1.1 only), plain (HTTP) and h2frames
// (HTTPS, ALPN h2, frames written by hand).
class NodeUpstream {
 public:
  static NodeUpstream& get();
  uint16_t h2Port() const { return h2_; }
  uint16_t h1TlsPort() const { return h1tls_; }
  uint16_t plainPort() const { return plain_; }
  // HTTP/2 written frame by frame (upstream_server.js, h2Frames): one fixed answer.
  uint16_t h2FramesPort() const { return h2_frames_; }
  const std::string& caFile() const { return ca_file_; }

  // Reads whatever the server reported so far (non-blocking).
  void poll();
  size_t mark();  // index of the next event line
  // Event lines since `mark` containing every one of `parts`.
  std::vector<std::string> events(size_t mark, std::initializer_list<std::string_view> parts);

 private:
  NodeUpstream();
  std::string dir_;
  std::string ca_file_;
  int out_fd_ = -1;
  int in_fd_ = -1;
  std::string partial_;
  std::vector<std::string> lines_;
  uint16_t h2_ = 0, h1tls_ = 0, plain_ = 0, h2_frames_ = 0;
};

// Runs `loop` until `done()` or `timeout_ms`; polls the Node server as it goes.
bool runUntil(uv_loop_t* loop, const std::function<bool()>& done, int timeout_ms = 5000);
// Waits for a server event line containing every part.
bool waitForEvent(uv_loop_t* loop, size_t mark, std::initializer_list<std::string_view> parts,
                  int timeout_ms = 5000);

struct RecordingHandler : UpstreamResponseHandler {
  int status = 0;
  Headers headers;
  std::string body;
  std::vector<std::string> chunks;
  bool complete = false;
  std::optional<UpstreamError> error;
  // Optional hooks; on_data's result is returned to the client (false = pause).
  std::function<bool(std::string_view)> on_data;
  std::function<void()> on_headers;

  void onResponseHeaders(int s, Headers h) override;
  bool onResponseData(std::string_view bytes) override;
  void onResponseComplete() override { complete = true; }
  void onResponseError(const UpstreamError& e) override { error = e; }
  bool done() const { return complete || error.has_value(); }
};

// A loop plus a client, torn down (handles closed) at scope exit.
struct ClientLoop {
  ClientLoop();
  ~ClientLoop();
  uv_loop_t loop;
  std::optional<UpstreamClient> client;
  UpstreamRequest request(std::string url) const;
};

std::string httpsUrl(uint16_t port, std::string_view path);
std::string httpUrl(uint16_t port, std::string_view path);

}  // namespace relay::test
