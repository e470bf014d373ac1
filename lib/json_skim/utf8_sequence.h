// The length of one well-formed UTF-8 sequence (RFC 3629), shared by the checking scanner
// (scan.h) and the unchecked skip (unchecked_skip.h): one definition of what the relay accepts.
#ifndef RELAY_LIB_JSON_SKIM_UTF8_SEQUENCE_H
#define RELAY_LIB_JSON_SKIM_UTF8_SEQUENCE_H

#include <cstddef>

namespace relay::skim {

// Length of the well-formed UTF-8 sequence at p (RFC 3629: no overlong forms, no surrogates,
// nothing above U+10FFFF), or 0.
inline size_t utf8Sequence(const unsigned char* p, const unsigned char* end) {
  unsigned char c = p[0];
  auto cont = [&](size_t i) { return p + i < end && (p[i] & 0xC0) == 0x80; };
  if (c >= 0xC2 && c <= 0xDF) return cont(1) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    if (p + 1 >= end) return 0;
    unsigned char c1 = p[1];
    if (c == 0xE0 && c1 < 0xA0) return 0;  // overlong
    if (c == 0xED && c1 > 0x9F) return 0;  // surrogate
    return cont(1) && cont(2) ? 3 : 0;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (p + 1 >= end) return 0;
    unsigned char c1 = p[1];
    if (c == 0xF0 && c1 < 0x90) return 0;  // overlong
    if (c == 0xF4 && c1 > 0x8F) return 0;  // above U+10FFFF
    return cont(1) && cont(2) && cont(3) ? 4 : 0;
  }
  return 0;
}

}  // namespace relay::skim

#endif  // RELAY_LIB_JSON_SKIM_UTF8_SEQUENCE_H
