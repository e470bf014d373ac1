// Per-thread spare storage for downstream requests: body buffers and header lists that keep their
// capacity. A connection takes them when a request's head arrives and reads the request into
// them; whoever owns the request last (the chain, once the exchange and every attempt of it are
// over) gives them back. So a warm worker reads each request into memory it already has, instead
// of allocating (and later freeing) a buffer as large as the body plus a string per long header.
// The lists are per thread: no lock, no sharing; storage given back on another thread joins that
// thread's list. Bounded: what does not fit goes back to the heap, and an idle worker that never
// served a request holds nothing. Under AddressSanitizer nothing is kept, so a use after the
// request's end stays visible.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "core/http/request.h"

namespace relay {

class RequestStoragePool {
 public:
  static constexpr size_t kMaxKeptBodies = 32;
  static constexpr size_t kMaxKeptBodyCapacity = 1024 * 1024;   // larger bodies go to the heap
  static constexpr size_t kMaxKeptBodyBytes = 4 * 1024 * 1024;  // all spare bodies together
  static constexpr size_t kMaxKeptHeaderLists = 32;
  static constexpr size_t kMaxKeptHeaders = 64;

  // The calling thread's pool (each loop runs on its own thread).
  static RequestStoragePool& local();

  // An empty buffer with room for `capacity` bytes (one that had room already, when one is spare).
  std::string takeBody(size_t capacity);
  // A header list whose elements keep their strings' memory: fill it front to back by assigning,
  // then drop the elements beyond those used (see Http1ServerConnection).
  std::vector<Header> takeHeaderList();

  // Take the memory (the arguments are left empty, without capacity).
  void giveBody(std::string& body);
  // Its owned buffer as above; the read block it may hold goes back to the thread's spares.
  void giveBody(RequestBody& body) {
    body.dropBlock();
    giveBody(body.owned());
  }
  void giveHeaderList(std::vector<Header>& list);
  // The request's body and header list.
  void give(Request& req) {
    giveBody(req.body);
    giveHeaderList(req.headers.all());
  }

  size_t spareBodies() const { return bodies_.size(); }
  size_t spareHeaderLists() const { return header_lists_.size(); }
  // False under AddressSanitizer: everything given goes back to the heap.
  static bool keeping();

 private:
  std::vector<std::string> bodies_;
  size_t body_bytes_ = 0;  // capacity of bodies_ together
  std::vector<std::vector<Header>> header_lists_;
};

}  // namespace relay
