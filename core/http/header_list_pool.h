// Per-thread spare header lists, for downstream requests (the connection reads each head into
// one) and upstream requests (the upstream filter builds each head into one). A finished request
// gives its list back; the next one refills it in place, so the names and values of a warm loop's
// heads (the same handful every time) reuse their memory instead of allocating it. The lists are
// per thread: no lock, no sharing; a list given back on another thread joins that thread's spares.
// Bounded: what does not fit goes back to the heap. A list goes back to the side it served:
// refilled by a head of the same kind, its elements' strings already have room for the values at
// those places (one shared stack measured one more allocation per request). The lists are a
// ThreadSpares store: nothing is kept under AddressSanitizer, so a use after the request's end
// stays visible, nor once the thread's store is gone (thread exit).
#pragma once

#include <cstddef>
#include <string_view>
#include <utility>
#include <vector>

#include "core/chain/thread_spares.h"
#include "core/http/headers.h"

namespace relay {

// Which heads a list holds: requests read from clients, requests sent upstream, responses read
// from upstreams.
enum class HeadSide { Downstream, Upstream, Response };

class HeaderListPool {
 public:
  // Lists kept per side: the heads of the requests in flight on a loop. Near saturation a loop
  // turn finishes many requests at once and gives all their lists back before the next requests
  // take them; with 48 for all three sides together, wrk -c32 found the pool empty for about a
  // third of its lists, and each list made anew allocated its vector and its long names and
  // values again: about 3 mallocs per request, none with 64 per side. A list costs about 1.5 KB.
  static constexpr size_t kMaxKept = 64;
  static constexpr size_t kMaxKeptHeaders = 64;
  // A list whose names and values hold more than this is not kept: a usual head's hold under
  // 2 KB, and a client sending 64 KB heads should not leave 192 such lists behind per loop.
  static constexpr size_t kMaxKeptBytes = 8 * 1024;

  // The calling thread's pool (each loop runs on its own thread). The object holds nothing: each
  // call reaches the calling thread's spares (ThreadSpares).
  static HeaderListPool& local() { return handle_; }

  // A list whose elements may be overwritten (see HeaderListFill), or an empty one.
  static std::vector<Header> take(HeadSide side) {
    Spares* s = ThreadSpares<Spares>::local();
    if (s == nullptr || s->lists[index(side)].empty()) return {};
    std::vector<std::vector<Header>>& spare = s->lists[index(side)];
    std::vector<Header> list = std::move(spare.back());
    spare.pop_back();
    return list;
  }

  // Takes the list's memory (the argument is left empty, without capacity).
  static void give(HeadSide side, std::vector<Header>& list);
  static void give(HeadSide side, std::vector<Header>&& list) { give(side, list); }

  // Lets every spare list go (for tests).
  static void clear();
  static size_t spareCount();
  // False under AddressSanitizer: everything given goes back to the heap.
  static bool keeping();

 private:
  struct Spares {
    std::vector<std::vector<Header>> lists[3];  // by HeadSide
    size_t count() const { return lists[0].size() + lists[1].size() + lists[2].size(); }
  };
  static size_t index(HeadSide side) { return static_cast<size_t>(side); }
  static HeaderListPool handle_;
};

// Single headers removed from lists (Headers::removeIf, remove, set): their names and values keep
// their memory for the next list that needs one more element than it holds. A head whose client
// key the auth filter removes gives a list back one element short, and the next head, as long,
// added an element: with a CLI's usual 20 headers that allocated the key's value again on every
// request (and, at wrk -c32, a 107-byte beta list as well). Kept, the removed element comes back
// as the next element added, so the strings circulate through the list's places and grow, if at
// all, until each fits them all. Per thread and bounded, like the lists; none under
// AddressSanitizer.
class HeaderSpares {
 public:
  static constexpr size_t kMaxKept = 64;
  // A header whose name and value hold more than this is not kept (bounds what the spares hold).
  static constexpr size_t kMaxKeptBytes = 1024;

  // Takes list[from, end) off the list, keeping as many as fit.
  static void keepTail(std::vector<Header>& list, size_t from);
  // Adds an empty element to the list (a kept one, with its memory, or a new one) and returns it.
  // A list's first growth reserves 16 places: a head usually carries 5-20 headers, so one
  // allocation instead of five regrowths.
  static Header& append(std::vector<Header>& list);
  // The list's element at `at` (at most its size), empty: one left there by an earlier head keeps
  // its strings' memory; at the end, append()'s.
  static Header& emptyAt(std::vector<Header>& list, size_t at) {
    if (at == list.size()) return append(list);
    Header& h = list[at];
    h.name.clear();
    h.value.clear();
    h.verified = false;
    return h;
  }
  static size_t spareCount();
  static void clear();  // for tests
};

// Fills a list taken from the pool front to back, assigning into the elements it already has.
class HeaderListFill {
 public:
  HeaderListFill() = default;
  explicit HeaderListFill(std::vector<Header> list) : list_(std::move(list)) {}

  // verified: see Header::verified (the element's earlier value does not carry over).
  void add(std::string_view name, std::string_view value, bool verified = false) {
    Header& h = HeaderSpares::emptyAt(list_, used_++);
    h.name.assign(name);
    h.value.assign(value);
    h.verified = verified;
  }

  // The filled list (elements beyond those added go to HeaderSpares); the fill is empty after.
  std::vector<Header> finish() {
    HeaderSpares::keepTail(list_, used_);
    used_ = 0;
    return std::move(list_);
  }

 private:
  std::vector<Header> list_;
  size_t used_ = 0;
};

}  // namespace relay
