// Byte strings compared up to ASCII case, eight bytes at a time. Shared by the core's header
// list (core/http/headers.cc) and the in-tree plugins' helpers (plugins/common/host_calls.cc).
// Header only, dependency-free: it knows no relay type, so a plugin compiles it in without
// depending on the core.
//
// Only 'A'..'Z' and 'a'..'z' fold. Pairs 0x20 apart that are not letters ('@' and '`', '[' and
// '{', '^' and '~', 0xC0 and 0xE0...) stay different, whatever the locale.
#ifndef RELAY_LIB_ASCII_EQUALS_IGNORE_CASE_H
#define RELAY_LIB_ASCII_EQUALS_IGNORE_CASE_H

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace relay::ascii {

namespace detail {

inline constexpr uint64_t kEach = 0x0101010101010101ull;  // one in every byte

inline uint64_t load8(const char* p) {
  uint64_t w;
  std::memcpy(&w, p, 8);
  return w;
}

inline uint64_t load4(const char* p) {
  uint32_t w;
  std::memcpy(&w, p, 4);
  return w;
}

// 0x20 in each byte of x that is an ASCII letter, 0 elsewhere: the one bit in which such a byte
// may differ from its partner. x's byte is a letter iff x | 0x20 is in 'a'..'z' (0x61..0x7a) with
// the top bit clear; worked out for the eight bytes at once, branch-free. No carry crosses a
// byte, so the byte order of the loads does not matter.
inline uint64_t caseBits(uint64_t x) {
  const uint64_t folded = x | (0x20 * kEach);
  const uint64_t low7 = folded & (0x7f * kEach);
  const uint64_t at_least_a = low7 + (0x80 - 'a') * kEach;   // top bit set iff >= 'a'
  const uint64_t above_z = low7 + (0x80 - 'z' - 1) * kEach;  // top bit set iff > 'z'
  const uint64_t letter = at_least_a & ~above_z & ~folded & (0x80 * kEach);  // 0x80 per letter
  return letter >> 2;                                                        // 0x80 >> 2 is 0x20
}

// Whether the differences d1 = x1 ^ y1 and d2 = x2 ^ y2, in bit 0x20 only, are all in letters.
// Out of line so that the compiler keeps the cheap tests before it as early exits (inlined, it
// merges them into this one and every mismatch pays for the letter test).
[[gnu::noinline]] inline bool onlyLettersDiffer(uint64_t x1, uint64_t d1, uint64_t x2,
                                                uint64_t d2) {
  return ((d1 & ~caseBits(x1)) | (d2 & ~caseBits(x2))) == 0;
}

// The words x1 == y1 and x2 == y2 up to ASCII case, byte by byte.
inline bool wordsEqualIgnoreCase(uint64_t x1, uint64_t y1, uint64_t x2, uint64_t y2) {
  const uint64_t d1 = x1 ^ y1, d2 = x2 ^ y2;
  if ((d1 | d2) == 0) return true;
  // A pair can still be equal only if it differs in bit 0x20 alone: most mismatches stop here.
  if (((d1 | d2) & ~(0x20 * kEach)) != 0) return false;
  return onlyLettersDiffer(x1, d1, x2, d2);
}

// Same-length strings of more than 16 bytes: pairs of words, then the last sixteen bytes
// (overlapping those already compared). Out of line, with its loop, so that the short names
// (nearly every header name) need no saved registers.
[[gnu::noinline]] inline bool longEqualsIgnoreCase(const char* a, const char* b, size_t n) {
  for (size_t i = 0; i + 16 < n; i += 16)
    if (!wordsEqualIgnoreCase(load8(a + i), load8(b + i), load8(a + i + 8), load8(b + i + 8)))
      return false;
  return wordsEqualIgnoreCase(load8(a + n - 16), load8(b + n - 16), load8(a + n - 8),
                              load8(b + n - 8));
}

}  // namespace detail

// Same-length bytes equal up to ASCII case: a and b both point to n bytes.
inline bool sameLengthEqualsIgnoreCase(const char* a, const char* b, size_t n) {
  using namespace detail;
  if (n > 16) return longEqualsIgnoreCase(a, b, n);
  if (n >= 8) {
    // The first eight and the last eight bytes (they overlap when n < 16).
    return wordsEqualIgnoreCase(load8(a), load8(b), load8(a + n - 8), load8(b + n - 8));
  }
  uint64_t x = 0, y = 0;
  if (n >= 4) {
    // The first four and the last four bytes (they overlap when n < 8), in one word each.
    x = load4(a) | load4(a + n - 4) << 32;
    y = load4(b) | load4(b + n - 4) << 32;
  } else if (n > 0) {
    // Bytes 0, n / 2 and n - 1 cover every byte of 1..3.
    const auto byte = [](const char* p, size_t i) -> uint64_t {
      return static_cast<unsigned char>(p[i]);
    };
    x = byte(a, 0) | byte(a, n / 2) << 8 | byte(a, n - 1) << 16;
    y = byte(b, 0) | byte(b, n / 2) << 8 | byte(b, n - 1) << 16;
  }
  return wordsEqualIgnoreCase(x, y, 0, 0);
}

}  // namespace relay::ascii

#endif  // RELAY_LIB_ASCII_EQUALS_IGNORE_CASE_H
