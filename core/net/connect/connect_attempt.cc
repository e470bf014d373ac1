#include "core/net/connect/connect_attempt.h"

#include <arpa/inet.h>

#include <utility>

#include "core/net/connect/socket_transport.h"
#include "core/net/connect/tls_context.h"
#include "core/net/connect/tls_handshake_metrics.h"

namespace relay {

using Kind = TransportError::Kind;

namespace {

std::string addressText(const sockaddr_storage& a) {
  char ip[64] = "?";
  if (a.ss_family == AF_INET6) {
    const auto* v6 = reinterpret_cast<const sockaddr_in6*>(&a);
    uv_ip6_name(v6, ip, sizeof ip);
    return std::string("[") + ip + "]:" + std::to_string(ntohs(v6->sin6_port));
  }
  const auto* v4 = reinterpret_cast<const sockaddr_in*>(&a);
  uv_ip4_name(v4, ip, sizeof ip);
  return std::string(ip) + ":" + std::to_string(ntohs(v4->sin_port));
}

}  // namespace

TcpConnectAttempt::TcpConnectAttempt(uv_loop_t* loop, DnsCache& dns, ConnectOptions opts,
                                     ConnectCallback done)
    : loop_(loop), dns_(dns), opts_(std::move(opts)), done_(std::move(done)), timer_(loop) {}

TcpConnectAttempt::~TcpConnectAttempt() {
  cancel();
}

void TcpConnectAttempt::start() {
  // An IP literal or a cached name is dialled at once, as a proxy dials from the handler that
  // read the request: a loop turn before the connect would make every new upstream connection
  // wait for whatever else that turn runs. `done` still never runs inside connectTransport():
  // success needs the loop, and a failure found now is reported from it (fail()).
  phase_ = Phase::Resolve;
  starting_ = true;
  resolve();
  starting_ = false;
}

void TcpConnectAttempt::cancel() {
  phase_ = Phase::Finished;
  done_ = nullptr;
  timer_.stop();
  lookup_.reset();
  proxy_.reset();
  tls_ctx_request_.reset();
  tls_.reset();
  socket_.reset();
}

std::string TcpConnectAttempt::accountPrefix() const {
  return opts_.account_id.empty() ? "" : "account " + opts_.account_id + ": ";
}

std::string TcpConnectAttempt::targetName() const {
  bool ipv6 = opts_.host.find(':') != std::string::npos;
  return (ipv6 ? "[" + opts_.host + "]" : opts_.host) + ":" + std::to_string(opts_.port);
}

std::string TcpConnectAttempt::sessionKey() const {
  std::string key = opts_.host;
  key.append("\n").append(std::to_string(opts_.port)).append("\n").append(opts_.sni);
  key.append("\n");
  for (const std::string& protocol : opts_.alpn) key.append(protocol).append(",");
  key.append("\n").append(opts_.ca_file);
  // Through a proxy the peer is the same, but a ticket links connections: one route's ticket is
  // never shown on another route.
  if (const auto& p = opts_.proxy) {
    key.append("\n").append(p->type).append("\n").append(p->host).append("\n");
    key.append(std::to_string(p->port)).append("\n").append(p->username);
  }
  return key;
}

std::string TcpConnectAttempt::hopName() const {
  if (!opts_.proxy) return targetName();
  const ProxyConfig& p = *opts_.proxy;
  return "proxy " + p.type + " " + p.host + ":" + std::to_string(p.port);
}

void TcpConnectAttempt::resolve() {
  if (opts_.tls) prepareTlsContext();
  const std::string& host = opts_.proxy ? opts_.proxy->host : opts_.host;
  uint16_t port = opts_.proxy ? opts_.proxy->port : opts_.port;
  if (opts_.proxy) {
    std::string error;
    proxy_ = makeProxyHandshake(*opts_.proxy, opts_.host, opts_.port, error);
    if (!proxy_) return fail(Kind::Proxy, hopName() + ": " + error);
  }
  lookup_ = dns_.resolve(host, port, [this](std::vector<sockaddr_storage> a, std::string error) {
    onResolved(std::move(a), error);
  });
}

void TcpConnectAttempt::onResolved(std::vector<sockaddr_storage> addresses,
                                   const std::string& error) {
  if (phase_ == Phase::Finished) return;
  if (!error.empty()) {
    const std::string& host = opts_.proxy ? opts_.proxy->host : opts_.host;
    std::string where = opts_.proxy ? hopName() + ": dns " : "dns ";
    return fail(Kind::Dns, where + host + ": " + error);
  }
  addresses_ = std::move(addresses);
  next_address_ = 0;
  phase_ = Phase::Connect;
  connectNext();
}

void TcpConnectAttempt::connectNext() {
  while (next_address_ < addresses_.size()) {
    const sockaddr_storage& address = addresses_[next_address_];
    socket_ = std::make_unique<TcpSocket>(loop_, Transport::kWriteLowWaterBytes);
    int rc = socket_->connect(reinterpret_cast<const sockaddr*>(&address),
                              [this](int status) { onConnected(status); });
    if (rc == 0) {
      timer_.start(static_cast<uint64_t>(opts_.connect_timeout_ms), [this] { onConnectTimeout(); });
      return;
    }
    last_connect_error_ = addressText(address) + ": " + uv_strerror(rc);
    last_connect_timed_out_ = false;
    socket_.reset();
    ++next_address_;
  }
  Kind kind = last_connect_timed_out_ ? Kind::Timeout : Kind::Connect;
  fail(kind, hopName() + ": connect " + last_connect_error_);
}

void TcpConnectAttempt::onConnectTimeout() {
  last_connect_error_ = addressText(addresses_[next_address_]) + ": timed out after " +
                        std::to_string(opts_.connect_timeout_ms) + " ms";
  last_connect_timed_out_ = true;
  socket_.reset();
  ++next_address_;
  connectNext();
}

void TcpConnectAttempt::onConnected(int status) {
  timer_.stop();
  if (status < 0) {
    last_connect_error_ = addressText(addresses_[next_address_]) + ": " + uv_strerror(status);
    last_connect_timed_out_ = false;
    socket_.reset();
    ++next_address_;
    return connectNext();
  }
  socket_->setNoDelay();
  socket_->setEvents(this);
  int rc = socket_->startReading();
  if (rc < 0) return fail(Kind::Connect, hopName() + ": cannot read: " + uv_strerror(rc));
  if (proxy_) return startProxy();
  if (opts_.tls) return startTls("");
  succeed("");
}

void TcpConnectAttempt::startProxy() {
  phase_ = Phase::Proxy;
  timer_.start(static_cast<uint64_t>(opts_.handshake_timeout_ms), [this] {
    fail(Kind::Timeout, hopName() + ": proxy handshake timed out after " +
                            std::to_string(opts_.handshake_timeout_ms) + " ms");
  });
  socket_->write(proxy_->start());
}

void TcpConnectAttempt::prepareTlsContext() {
  tls_ctx_ = builtClientTlsContext(opts_.ca_file);
  if (tls_ctx_ != nullptr || tls_ctx_request_) return;
  tls_ctx_request_ = TlsContextRequest::start(
      loop_, opts_.ca_file,
      [this](SSL_CTX* ctx, const std::string& error) { onTlsContext(ctx, error); });
}

void TcpConnectAttempt::onTlsContext(SSL_CTX* ctx, const std::string& error) {
  tls_ctx_request_.reset();
  tls_ctx_ = ctx;
  tls_ctx_error_ = error;
  if (phase_ == Phase::Tls && !tls_) beginTls();
}

void TcpConnectAttempt::startTls(const std::string& early_ciphertext) {
  phase_ = Phase::Tls;
  // The wait for a context still being built counts against the handshake's time.
  timer_.start(static_cast<uint64_t>(opts_.handshake_timeout_ms), [this] {
    fail(Kind::Timeout, "tls " + targetName() + ": handshake timed out after " +
                            std::to_string(opts_.handshake_timeout_ms) + " ms");
  });
  tls_early_ = early_ciphertext;
  if (tls_ctx_ == nullptr && tls_ctx_error_.empty()) prepareTlsContext();
  if (tls_ctx_ == nullptr && tls_ctx_request_) return;  // onTlsContext() goes on
  beginTls();
}

void TcpConnectAttempt::beginTls() {
  std::string error = tls_ctx_error_;
  const std::string& name = opts_.sni.empty() ? opts_.host : opts_.sni;
  tls_started_ns_ = uv_hrtime();
  if (tls_ctx_ != nullptr)
    tls_ = TlsEngine::create(tls_ctx_, name, opts_.alpn, sessionKey(), error);
  if (!tls_) return fail(Kind::Tls, "tls " + targetName() + ": " + error);
  tls_->feed(tls_early_);
  tls_early_.clear();
  stepTls();
}

void TcpConnectAttempt::stepTls() {
  TlsEngine::Handshake st = tls_->handshake();
  if (tls_->hasOutput()) socket_->write(tls_->takeOutput());
  if (st == TlsEngine::Handshake::Failed) {
    std::string via = opts_.proxy ? " via " + hopName() : "";
    return fail(Kind::Tls, "tls " + targetName() + via + ": " + tls_->error());
  }
  if (st != TlsEngine::Handshake::Done) return;
  double seconds = static_cast<double>(uv_hrtime() - tls_started_ns_) / 1e9;
  recordTlsHandshake(tls_->resumed() ? TlsHandshakeOutcome::kResumed : TlsHandshakeOutcome::kFull,
                     seconds);
  succeed("");
}

void TcpConnectAttempt::onSocketData(std::string_view bytes) {
  if (phase_ == Phase::Tls) {
    if (!tls_) {
      tls_early_.append(bytes);  // before the context is there (a server speaks second)
      return;
    }
    tls_->feed(bytes);
    return stepTls();
  }
  if (phase_ != Phase::Proxy) return;
  std::string reply;
  ProxyHandshake::Status st = proxy_->feed(bytes, reply);
  if (!reply.empty()) socket_->write(std::move(reply));
  if (st == ProxyHandshake::Status::Failed) {
    return fail(proxy_->errorKind(), hopName() + ": " + proxy_->error());
  }
  if (st != ProxyHandshake::Status::Done) return;
  std::string early = proxy_->leftover();
  timer_.stop();
  if (opts_.tls) return startTls(early);
  succeed(std::move(early));
}

void TcpConnectAttempt::onSocketEnd(int status) {
  std::string why = status == UV_EOF ? "closed the connection" : uv_strerror(status);
  if (phase_ == Phase::Proxy) {
    return fail(Kind::Proxy, hopName() + ": proxy " + why + " during the handshake");
  }
  if (phase_ == Phase::Tls) {
    std::string via = opts_.proxy ? " via " + hopName() : "";
    fail(Kind::Tls, "tls " + targetName() + via + ": peer " + why + " during the TLS handshake");
  }
}

void TcpConnectAttempt::succeed(std::string early_plaintext) {
  timer_.stop();
  phase_ = Phase::Finished;
  socket_->setEvents(nullptr);
  std::string label = accountPrefix() + targetName();
  auto transport = std::make_unique<SocketTransport>(loop_, std::move(socket_), std::move(tls_),
                                                     std::move(early_plaintext), label);
  ConnectCallback done = std::move(done_);
  cancel();
  if (done) done(std::move(transport), std::nullopt);  // may destroy this attempt
}

void TcpConnectAttempt::fail(Kind kind, const std::string& message) {
  if (starting_) {
    timer_.start(0, [this, kind, message] { fail(kind, message); });
    return;
  }
  // Every way a TLS phase ends without a connection (refused certificate, peer gone, timeout, an
  // unusable CA file) counts as a failed handshake; a cancelled attempt does not.
  if (phase_ == Phase::Tls) recordTlsHandshake(TlsHandshakeOutcome::kFailed, 0);
  ConnectCallback done = std::move(done_);
  cancel();
  if (done) done(nullptr, TransportError{kind, accountPrefix() + message});
}

std::unique_ptr<ConnectAttempt> connectTransport(uv_loop_t* loop, DnsCache& dns,
                                                 const ConnectOptions& opts, ConnectCallback done) {
  auto attempt = std::make_unique<TcpConnectAttempt>(loop, dns, opts, std::move(done));
  attempt->start();
  return attempt;
}

}  // namespace relay
