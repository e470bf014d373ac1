#include "core/net/connect/tls_context_request.h"

#include <openssl/crypto.h>

#include <utility>

#include "core/net/connect/tls_context.h"

namespace relay {

struct TlsContextRequest::Work {
  uv_work_t req{};
  std::string ca_file;
  Done done;                           // cleared when the request is destroyed first
  TlsContextRequest* owner = nullptr;  // likewise
  SSL_CTX* ctx = nullptr;
  std::string error;
};

std::unique_ptr<TlsContextRequest> TlsContextRequest::start(uv_loop_t* loop,
                                                            const std::string& ca_file, Done done) {
  auto* work = new Work;
  work->req.data = work;
  work->ca_file = ca_file;
  work->done = std::move(done);
  uv_queue_work(
      loop, &work->req,
      [](uv_work_t* req) {
        auto* w = static_cast<Work*>(req->data);
        w->ctx = clientTlsContext(w->ca_file, w->error);
        // libuv's pool threads outlive every loop and are never joined before exit: free the
        // per-thread state OpenSSL keeps for this one now (it is rebuilt if needed again).
        OPENSSL_thread_stop();
      },
      [](uv_work_t* req, int status) {
        auto* w = static_cast<Work*>(req->data);
        Done done = std::move(w->done);
        if (w->owner != nullptr) w->owner->work_ = nullptr;
        SSL_CTX* ctx = status == 0 ? w->ctx : nullptr;
        std::string error = status == 0 ? std::move(w->error) : "TLS context build cancelled";
        delete w;
        if (done) done(ctx, error);
      });
  std::unique_ptr<TlsContextRequest> request(new TlsContextRequest(work));
  work->owner = request.get();
  return request;
}

TlsContextRequest::~TlsContextRequest() {
  if (work_ == nullptr) return;  // finished
  work_->done = nullptr;         // the work callbacks free it
  work_->owner = nullptr;
}

}  // namespace relay
