#include "core/http/head_writer.h"

#include <charconv>

namespace relay {

HeadWriter::HeadWriter(std::string& out, size_t most) : out_(out) {
  size_t at = out.size();
  out.resize(at + most);
  p_ = out.data() + at;
}

HeadWriter& HeadWriter::number(uint64_t value) {
  p_ = std::to_chars(p_, p_ + 20, value).ptr;
  return *this;
}

size_t HeadWriter::lineRoom(const Headers& headers) {
  size_t room = 0;
  for (const Header& h : headers.all()) room += h.name.size() + h.value.size() + 4;
  return room;
}

void HeadWriter::finish() {
  out_.resize(static_cast<size_t>(p_ - out_.data()));
}

}  // namespace relay
