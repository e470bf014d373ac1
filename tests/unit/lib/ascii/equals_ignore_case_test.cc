#include "ascii/equals_ignore_case.h"

#include <doctest/doctest.h>

#include <random>
#include <string>
#include <string_view>
#include <utility>

#include "core/http/headers.h"
#include "host_calls.h"

namespace {

// The plain definition the word-at-a-time comparison must agree with, byte by byte.
bool isAsciiLetter(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

bool referenceEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    const auto x = static_cast<unsigned char>(a[i]), y = static_cast<unsigned char>(b[i]);
    if (x == y) continue;
    if (!isAsciiLetter(x) || !isAsciiLetter(y) || (x | 0x20) != (y | 0x20)) return false;
  }
  return true;
}

bool fastEquals(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         relay::ascii::sameLengthEqualsIgnoreCase(a.data(), b.data(), a.size());
}

// Each of the three entry points (the header, the core's, the plugins') against the reference.
void checkAll(std::string_view a, std::string_view b, bool& all_agree) {
  const bool want = referenceEquals(a, b);
  if (fastEquals(a, b) != want || relay::equalsIgnoreCase(a, b) != want ||
      relay::plugin_common::equalsIgnoreCase(a, b) != want) {
    all_agree = false;
    FAIL_CHECK("disagrees with the reference (want " << want << ") on length " << a.size());
  }
}

std::string ofBytes(std::initializer_list<int> bytes) {
  std::string s;
  for (int b : bytes) s.push_back(static_cast<char>(b));
  return s;
}

}  // namespace

TEST_CASE("every pair of single bytes compares as the reference does") {
  int equal_pairs = 0;
  for (int x = 0; x < 256; ++x) {
    for (int y = 0; y < 256; ++y) {
      const std::string a(1, static_cast<char>(x)), b(1, static_cast<char>(y));
      const bool want = referenceEquals(a, b);
      equal_pairs += want;
      REQUIRE_MESSAGE(fastEquals(a, b) == want, "bytes " << x << " and " << y);
    }
  }
  // 256 identical pairs and 52 letter pairs that differ in case only.
  CHECK(equal_pairs == 256 + 52);
}

TEST_CASE("every pair of bytes, in every place of strings of 1..17 bytes") {
  // The rest of the string differs in case only, so the pair alone decides; this reaches every
  // byte of a word, the overlapping last word and each short form.
  const std::string filler = "aBcDeFgHiJkLmNoPq";
  const std::string other = "AbCdEfGhIjKlMnOpQ";
  for (size_t n = 1; n <= filler.size(); ++n) {
    for (size_t at = 0; at < n; ++at) {
      std::string a = filler.substr(0, n), b = other.substr(0, n);
      for (int x = 0; x < 256; ++x) {
        for (int y = 0; y < 256; ++y) {
          a[at] = static_cast<char>(x);
          b[at] = static_cast<char>(y);
          const bool want = referenceEquals(a, b);
          if (fastEquals(a, b) != want)
            REQUIRE_MESSAGE(false, "length " << n << " at " << at << " bytes " << x << ", " << y);
        }
      }
    }
  }
}

TEST_CASE("random strings of every length 0..40 agree with the reference") {
  std::mt19937_64 rng(12);
  // Bytes around the letters' edges and 0x20 apart, so that near misses are common.
  const std::string edges =
      ofBytes({0x00, '-', '@', '`',  'A',  'a',  'M',  'm',  'Z',  'z',  '[',
               '{',  '^', '~', 0x7f, 0x80, 0xa0, 0xc1, 0xe1, 0xda, 0xfa, 0xff});
  bool all_agree = true;
  int equal = 0, different = 0;
  for (size_t n = 0; n <= 40; ++n) {
    for (int trial = 0; trial < 3000; ++trial) {
      std::string a(n, '\0');
      for (char& c : a)
        c = trial % 2 ? edges[rng() % edges.size()] : static_cast<char>(rng() % 256);
      // b: a with each letter's case flipped at random, then, most of the time, one byte
      // changed to a random byte or to its 0x20 twin.
      std::string b = a;
      for (char& c : b)
        if (isAsciiLetter(static_cast<unsigned char>(c)) && rng() % 2) c ^= 0x20;
      if (n > 0 && trial % 4 != 0) {
        char& c = b[rng() % n];
        c = trial % 3 ? static_cast<char>(c ^ 0x20) : static_cast<char>(rng() % 256);
      }
      checkAll(a, b, all_agree);
      checkAll(b, a, all_agree);
      (referenceEquals(a, b) ? equal : different) += 1;
    }
  }
  CHECK(all_agree);
  // Both outcomes are well represented, so the agreement above means something.
  CHECK(equal > 20000);
  CHECK(different > 20000);
}

TEST_CASE("non-letters 0x20 apart never fold, in short strings and inside whole words") {
  const std::pair<char, char> pairs[] = {{'@', '`'},  {'[', '{'},  {'\\', '|'},
                                         {']', '}'},  {'^', '~'},  {'_', '\x7f'},
                                         {'\0', ' '}, {'-', '\r'}, {'0', '\x10'}};
  for (auto [x, y] : pairs) {
    for (size_t n : {1, 3, 7, 8, 14, 23}) {
      for (size_t at = 0; at < n; ++at) {
        std::string a(n, 'k'), b(n, 'K');
        a[at] = x;
        b[at] = y;
        CHECK_MESSAGE(!relay::equalsIgnoreCase(a, b), n << " " << at << " " << int(x));
        CHECK_MESSAGE(!relay::plugin_common::equalsIgnoreCase(a, b), n << " " << at);
        b[at] = x;
        CHECK(relay::equalsIgnoreCase(a, b));
      }
    }
  }
}

TEST_CASE("bytes from 0x80 up never fold, even 0x20 apart with a letter's low bits") {
  // 0xc1 | 0x20 is 0xe1, whose low seven bits are 'a': the top bit must keep it a non-letter.
  for (int x = 0x80; x < 0x100; ++x) {
    const int y = x ^ 0x20;
    for (size_t n : {1, 2, 5, 8, 9, 16}) {
      std::string a(n, 'q'), b(n, 'Q');
      a[n - 1] = static_cast<char>(x);
      b[n - 1] = static_cast<char>(y);
      CHECK_MESSAGE(!fastEquals(a, b), "byte " << x << " length " << n);
      b[n - 1] = static_cast<char>(x);
      CHECK(fastEquals(a, b));
    }
  }
  CHECK_FALSE(relay::equalsIgnoreCase(ofBytes({0xc3, 0x89}), ofBytes({0xc3, 0xa9})));  // É, é
}

TEST_CASE("header names as the relay compares them") {
  CHECK(relay::equalsIgnoreCase("Content-Length", "content-length"));
  CHECK(relay::equalsIgnoreCase("CONTENT-LENGTH", "content-length"));
  CHECK_FALSE(relay::equalsIgnoreCase("Content-Lengtx", "content-length"));
  CHECK_FALSE(relay::equalsIgnoreCase("xontent-Length", "content-length"));
  CHECK(relay::plugin_common::equalsIgnoreCase("X-Claude-Code-Session-Id",
                                               "x-claude-code-session-id"));
  CHECK_FALSE(relay::plugin_common::equalsIgnoreCase("X-Claude-Code-Session-Ie",
                                                     "x-claude-code-session-id"));
  CHECK(relay::plugin_common::startsWithIgnoreCase("X-Stainless-Os", "x-stainless-"));
  CHECK(relay::equalsIgnoreCase("", ""));
  CHECK_FALSE(relay::equalsIgnoreCase("a", ""));
}
