// Writing an HTTP head into a string in one go: the caller bounds the size, makes room once
// (HeadWriter's constructor), copies every piece without a capacity check, and cuts the string
// to what was written (finish). A chain of appends inlines a growth path per piece instead,
// which made each head builder kilobytes of code run once per request.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "core/http/headers.h"

namespace relay {

class HeadWriter {
 public:
  // Room for `most` more bytes at the end of out; out is not to be touched until finish().
  HeadWriter(std::string& out, size_t most);
  HeadWriter(const HeadWriter&) = delete;
  HeadWriter& operator=(const HeadWriter&) = delete;

  HeadWriter& put(std::string_view s) {
    std::memcpy(p_, s.data(), s.size());
    p_ += s.size();
    return *this;
  }
  HeadWriter& put(char c) {
    *p_++ = c;
    return *this;
  }
  // In decimal: 20 bytes of room at most. Out of line: std::to_chars inlined is some 300 bytes
  // per use.
  HeadWriter& number(uint64_t value);
  // "name: value\r\n" for every header `skip(const Header&)` is false for; room: lineRoom().
  template <class Skip>
  HeadWriter& headerLines(const Headers& headers, Skip skip) {
    for (const Header& h : headers.all()) {
      if (skip(h)) continue;
      put(h.name).put(": ").put(h.value).put("\r\n");
    }
    return *this;
  }
  static size_t lineRoom(const Headers& headers);

  // Cuts out to what was written.
  void finish();

 private:
  std::string& out_;
  char* p_;
};

}  // namespace relay
