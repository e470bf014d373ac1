// Per-thread spare storage for downstream requests: body buffers that keep their capacity (and,
// through HeaderListPool, header lists). A connection takes them when a request's head arrives and
// reads the request into them; whoever owns the request last (the chain, once the exchange and
// every attempt of it are over) gives them back. So a warm worker reads each request into memory it
// already has, instead of allocating (and later freeing) a buffer as large as the body plus a
// string per long header. The lists are per thread: no lock, no sharing; storage given back on
// another thread joins that thread's list. Bounded: what does not fit goes back to the heap, and an
// idle worker that never served a request holds nothing. The buffers are a ThreadSpares store:
// nothing is kept under AddressSanitizer, so a use after the request's end stays visible, nor once
// the thread's store is gone (thread exit).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "core/http/header_list_pool.h"
#include "core/http/request.h"

namespace relay {

class RequestStoragePool {
 public:
  static constexpr size_t kMaxKeptBodies = 32;
  static constexpr size_t kMaxKeptBodyCapacity = 1024 * 1024;   // larger bodies go to the heap
  static constexpr size_t kMaxKeptBodyBytes = 4 * 1024 * 1024;  // all spare bodies together

  // The calling thread's pool (each loop runs on its own thread). The object holds nothing: each
  // call reaches the calling thread's spares (ThreadSpares).
  static RequestStoragePool& local() { return handle_; }

  // An empty buffer with room for `capacity` bytes (one that had room already, when one is spare).
  static std::string takeBody(size_t capacity);

  // Take the memory (the arguments are left empty, without capacity).
  static void giveBody(std::string& body);
  // Its owned buffer as above; the read block it may hold goes back to the thread's spares.
  static void giveBody(RequestBody& body) {
    body.dropBlock();
    giveBody(body.owned());
  }
  // The request's body, and its header list to HeaderListPool.
  static void give(Request& req) {
    giveBody(req.body);
    HeaderListPool::give(HeadSide::Downstream, req.headers.all());
  }

  static size_t spareBodies();
  // False under AddressSanitizer: everything given goes back to the heap.
  static bool keeping();

 private:
  struct Spares {
    std::vector<std::string> bodies;
    size_t body_bytes = 0;  // capacity of bodies together
  };
  static RequestStoragePool handle_;
};

}  // namespace relay
