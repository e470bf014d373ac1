// A connected byte stream handed from connect/ to the HTTP codecs in upstream/.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace relay {

struct TransportError {
  enum class Kind { Dns, Connect, Proxy, ProxyAuth, Tls, Timeout, Reset, Closed };
  Kind kind;
  // Attributed, e.g. "account acct-1: proxy socks5 127.0.0.1:1080: SOCKS5 authentication
  // rejected". Never contains a secret.
  std::string message;
};

const char* transportErrorKindName(TransportError::Kind kind);

// A connected byte stream (plain TCP, or TLS over TCP, possibly through a proxy tunnel).
// Single-threaded: used only on the loop that created it.
class Transport {
 public:
  class Handler {
   public:
    virtual ~Handler() = default;
    virtual void onTransportData(std::string_view bytes) = 0;         // decrypted bytes
    virtual void onTransportClosed(const TransportError* error) = 0;  // nullptr: clean EOF
    virtual void onTransportWritable() {}  // pending writes drained below the low-water mark
  };

  // Above this many pending bytes a writer should wait for onTransportWritable().
  static constexpr size_t kWriteLowWaterBytes = 64 * 1024;

  virtual ~Transport() = default;
  virtual void setHandler(Handler* h) = 0;
  // Never blocks; the bytes are copied only when the socket cannot take them at once.
  virtual void write(std::string_view bytes) = 0;
  // Both parts in order, in one system call when the socket takes them (request head + body).
  virtual void write(std::string_view first, std::string_view second) {
    write(first);
    write(second);
  }
  virtual size_t pendingWriteBytes() const = 0;
  virtual void pauseReading() = 0;
  virtual void resumeReading() = 0;
  virtual std::string_view alpn() const = 0;  // "h2", "http/1.1", or "" (plain / none)
  virtual bool isOpen() const = 0;
  // Closes now; no handler callbacks after this returns. Memory is released safely after the
  // libuv close callbacks (the object may be destroyed right after close()).
  virtual void close() = 0;
};

}  // namespace relay
