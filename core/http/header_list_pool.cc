#include "core/http/header_list_pool.h"

namespace relay {

HeaderListPool HeaderListPool::handle_;

bool HeaderListPool::keeping() {
  return kRecyclingStorage;
}

void HeaderListPool::give(HeadSide side, std::vector<Header>& list) {
  std::vector<Header> mine;
  mine.swap(list);
  Spares* s = ThreadSpares<Spares>::local();
  if (s == nullptr || mine.capacity() == 0 || mine.size() > kMaxKeptHeaders) return;
  std::vector<std::vector<Header>>& spare = s->lists[index(side)];
  if (spare.size() >= kMaxKept) return;
  size_t bytes = 0;
  for (const Header& h : mine) bytes += h.name.capacity() + h.value.capacity();
  if (bytes > kMaxKeptBytes) return;
  spare.push_back(std::move(mine));
}

void HeaderListPool::clear() {
  if (Spares* s = ThreadSpares<Spares>::local())
    for (auto& spare : s->lists) spare.clear();
}

size_t HeaderListPool::spareCount() {
  const Spares* s = ThreadSpares<Spares>::local();
  return s == nullptr ? 0 : s->count();
}

namespace {

struct SpareHeaders {
  std::vector<Header> headers;
};

}  // namespace

void HeaderSpares::keepTail(std::vector<Header>& list, size_t from) {
  if (from >= list.size()) return;
  if (SpareHeaders* s = ThreadSpares<SpareHeaders>::local()) {
    if (s->headers.capacity() == 0) s->headers.reserve(kMaxKept);
    for (size_t i = from; i < list.size() && s->headers.size() < kMaxKept; ++i)
      if (list[i].name.capacity() + list[i].value.capacity() <= kMaxKeptBytes)
        s->headers.push_back(std::move(list[i]));
  }
  list.erase(list.begin() + static_cast<std::ptrdiff_t>(from), list.end());
}

Header& HeaderSpares::append(std::vector<Header>& list) {
  if (list.capacity() == 0) list.reserve(16);
  SpareHeaders* s = ThreadSpares<SpareHeaders>::local();
  if (s == nullptr || s->headers.empty()) return list.emplace_back();
  Header& h = list.emplace_back(std::move(s->headers.back()));
  s->headers.pop_back();
  h.name.clear();
  h.value.clear();
  h.verified = false;
  return h;
}

size_t HeaderSpares::spareCount() {
  const SpareHeaders* s = ThreadSpares<SpareHeaders>::local();
  return s == nullptr ? 0 : s->headers.size();
}

void HeaderSpares::clear() {
  if (SpareHeaders* s = ThreadSpares<SpareHeaders>::local()) s->headers.clear();
}

}  // namespace relay
