// A loop's wait for a client TLS context that is not built yet: the build (tens of
// milliseconds: the system CA store) runs on libuv's thread pool, and the loop goes on serving
// everything else meanwhile. Connections that need the context wait for it; none blocks.
#pragma once

#include <openssl/ssl.h>
#include <uv.h>

#include <functional>
#include <memory>
#include <string>

namespace relay {

class TlsContextRequest {
 public:
  // `ctx` null with `error` set when the CA file cannot be loaded.
  using Done = std::function<void(SSL_CTX* ctx, const std::string& error)>;

  // `done` runs on `loop`, never inside start(); never after the request is destroyed.
  static std::unique_ptr<TlsContextRequest> start(uv_loop_t* loop, const std::string& ca_file,
                                                  Done done);
  ~TlsContextRequest();
  TlsContextRequest(const TlsContextRequest&) = delete;
  TlsContextRequest& operator=(const TlsContextRequest&) = delete;

 private:
  struct Work;
  explicit TlsContextRequest(Work* work) : work_(work) {}
  Work* work_;  // freed by its after-work callback (null then), which may outlive this object
};

}  // namespace relay
