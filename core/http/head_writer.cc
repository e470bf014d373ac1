#include "core/http/head_writer.h"

namespace relay {

HeadWriter::HeadWriter(std::string& out, size_t most) : out_(out) {
  size_t at = out.size();
  out.resize(at + most);
  p_ = out.data() + at;
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
