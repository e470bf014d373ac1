// The skip of a JSON value nobody reads (scan.h uses it for the members a handler marks
// kSkipUnchecked): it finds the end of an object or array without checking its grammar, but
// still enforces the two rules that hold for the whole text, the nesting limit (kMaxDepth
// containers open at once) and UTF-8 validity (RFC 3629) of every byte. Whoever reads the text
// afterwards (an upstream) refuses a grammar error in it.
//
// simdjson's first stage, reduced to what the skip needs: each 64-byte block becomes bitmasks of
// quotes, backslashes, opening and closing brackets and non-ASCII bytes; backslash runs mark the
// escaped quotes (odd runs), a prefix XOR of the remaining quotes marks the bytes inside
// strings, and the brackets outside strings move the depth by their popcounts. Only a block where
// the depth could come back to the value's start or reach the limit is walked bracket by
// bracket. Blocks with non-ASCII bytes are checked by table lookups with AVX2 (simdjson's UTF-8
// check), else, and wherever that finds an error (to name its byte), sequence by sequence (a
// sequence may cross a block edge). Kernels: scalar (any CPU), SSE2 (the x86-64 baseline), AVX2 and
// AVX-512BW (chosen at run time when the CPU has them); each gives the same masks for the same
// bytes.
#ifndef RELAY_LIB_JSON_SKIM_UNCHECKED_SKIP_H
#define RELAY_LIB_JSON_SKIM_UNCHECKED_SKIP_H

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <initializer_list>

#include "json_skim/utf8_sequence.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define RELAY_SKIM_X86 1
#endif

namespace relay::skim::unchecked {

inline constexpr int kDepthLimit = 128;  // scan.h's kMaxDepth

enum class Fault : unsigned char {
  kNone,
  kTooDeep,       // a container opened with kDepthLimit open already
  kUtf8,          // an ill-formed UTF-8 sequence starts here
  kUnterminated,  // the text ended inside the value
};

// One skip: `p` is at the value's '{' or '['; `outer` containers are open outside it.
struct Skip {
  Skip(const char* value, const char* text_end, int open) : p(value), end(text_end), outer(open) {}

  const char* p;    // the value
  const char* end;  // the text's end
  int outer;        // containers open outside the value
  // The outcome: past the value's closing bracket, or where the fault was found.
  const char* stop = nullptr;
  Fault fault = Fault::kNone;
};

struct Masks {
  uint64_t quote = 0;
  uint64_t backslash = 0;
  uint64_t open = 0;   // '{' or '['
  uint64_t close = 0;  // '}' or ']'
  uint64_t high = 0;   // 0x80 and above
};

// Byte by byte: runs anywhere, and is the yardstick for the vector kernels.
inline Masks masksScalar(const char* p) {
  Masks m;
  for (unsigned i = 0; i < 64; ++i) {
    auto c = static_cast<unsigned char>(p[i]);
    uint64_t bit = uint64_t{1} << i;
    if (c == '"') m.quote |= bit;
    if (c == '\\') m.backslash |= bit;
    if (c == '{' || c == '[') m.open |= bit;
    if (c == '}' || c == ']') m.close |= bit;
    if (c >= 0x80) m.high |= bit;
  }
  return m;
}

inline uint64_t prefixXorShifts(uint64_t x) {
  x ^= x << 1;
  x ^= x << 2;
  x ^= x << 4;
  x ^= x << 8;
  x ^= x << 16;
  x ^= x << 32;
  return x;
}

// Where the UTF-8 check of a block got to: the bytes before `done` are checked; `bad`, when
// set, is where an ill-formed sequence starts.
struct Utf8Check {
  const char* done;
  const char* bad;
};

// The non-ASCII bytes `high` of the block at `base`: each run of them is checked sequence by
// sequence (a sequence that crosses into the next block is checked whole here).
[[gnu::noinline]] inline Utf8Check checkUtf8(const char* base, uint64_t high, const char* done,
                                             const char* end) {
  const char* limit = end - base < 64 ? end : base + 64;
  auto from = [&](const char* p) {  // the bits of `high` at p and after
    size_t k = static_cast<size_t>(p - base);
    high = k >= 64 ? 0 : high & (~uint64_t{0} << k);
  };
  if (done > base) from(done);  // continuation bytes of a sequence already checked
  while (high != 0) {
    const char* p = base + __builtin_ctzll(high);
    do {
      size_t n = utf8Sequence(reinterpret_cast<const unsigned char*>(p),
                              reinterpret_cast<const unsigned char*>(end));
      if (n == 0) return {done, p};
      p += n;
    } while (p < limit && static_cast<unsigned char>(*p) >= 0x80);
    done = p;
    from(p);
  }
  return {done, nullptr};
}

// The skip's state while it runs: a local of the kernel's loop, so that it stays in registers.
struct Run {
  const char* value;
  const char* end;
  int depth;
  int outer;
  uint64_t next_escaped;
  uint64_t in_string;
  const char* utf8_done;
};

// The quotes of a block that are not escaped (simdjson's backslash-run trick: a quote preceded
// by an odd run of backslashes is escaped; runs carry over from the last block).
[[gnu::always_inline]] inline uint64_t unescapedQuotes(Run& r, const Masks& m) {
  if ((m.backslash | r.next_escaped) == 0) return m.quote;
  constexpr uint64_t kOdd = 0xAAAAAAAAAAAAAAAAULL;
  uint64_t potential = m.backslash & ~r.next_escaped;
  uint64_t codes = (((potential << 1) | kOdd) - potential) ^ kOdd;
  uint64_t escaped = codes ^ (m.backslash | r.next_escaped);
  r.next_escaped = (codes & m.backslash) >> 63;
  return m.quote & ~escaped;
}

// The rare case of a block: the depth could come back to the value's start or pass the limit,
// so its brackets are walked in order.
struct Walk {
  int depth;
  int at;  // the bit of the bracket that ends the value or opens one too many; -1: neither
  bool too_deep;
};
[[gnu::noinline]] inline Walk walkBrackets(int depth, int outer, uint64_t open, uint64_t close) {
  for (uint64_t all = open | close; all != 0; all &= all - 1) {
    const int i = __builtin_ctzll(all);
    if ((open >> i) & 1) {
      if (depth >= kDepthLimit) return {depth, i, true};
      ++depth;
    } else if (--depth == outer) {
      return {depth, i, false};
    }
  }
  return {depth, -1, false};
}

// A vector check of a whole block's UTF-8 (the bytes before it as context): where the checked
// bytes end (past the block, or past a sequence that crosses its end), or nullptr when the block
// holds an error or cannot be checked so (the sequence-by-sequence check then finds it).
using Utf8BlockFn = const char* (*)(const char* base, const char* value, const char* end);

// Whether a kernel has a vector UTF-8 check, told by specialisation: comparing the function's
// address with nullptr is no constant expression for GCC under -fsanitize=undefined.
template <Utf8BlockFn kUtf8Block>
inline constexpr bool kHasUtf8Block = true;
template <>
inline constexpr bool kHasUtf8Block<nullptr> = false;

// The rest of a block at `base`, given the prefix XOR of its unescaped quotes. True when the
// skip is over (s.stop set: past the value's end, or at a fault).
template <Utf8BlockFn kUtf8Block>
[[gnu::always_inline]] inline bool finishBlock(Run& r, Skip& s, const Masks& m,
                                               uint64_t quote_prefix, const char* base) {
  const uint64_t in_string = quote_prefix ^ r.in_string;
  r.in_string = static_cast<uint64_t>(static_cast<int64_t>(in_string) >> 63);
  const uint64_t open = m.open & ~in_string;
  const uint64_t close = m.close & ~in_string;
  uint64_t high = m.high;
  const char* ends = nullptr;
  if ((open | close) != 0) {
    const int opened = __builtin_popcountll(open);
    const int closed = __builtin_popcountll(close);
    if (r.depth + opened <= kDepthLimit && r.depth - closed > r.outer) [[likely]] {
      r.depth += opened - closed;
    } else {
      const Walk w = walkBrackets(r.depth, r.outer, open, close);
      r.depth = w.depth;
      if (w.at >= 0) {
        if (w.too_deep) {
          s.fault = Fault::kTooDeep;
          s.stop = base + w.at;
          return true;
        }
        ends = base + w.at + 1;
        if (w.at < 63) high &= (uint64_t{2} << w.at) - 1;  // the value's bytes only
      }
    }
  }
  if (high != 0) [[unlikely]] {
    if constexpr (kHasUtf8Block<kUtf8Block>) {
      if (ends == nullptr) {
        if (const char* done = kUtf8Block(base, r.value, r.end)) {
          r.utf8_done = done;
          return false;
        }
      }
    }
    const Utf8Check c = checkUtf8(base, high, r.utf8_done, r.end);
    r.utf8_done = c.done;
    if (c.bad != nullptr) {
      s.fault = Fault::kUtf8;
      s.stop = c.bad;
      return true;
    }
  }
  if (ends == nullptr) return false;
  s.stop = ends;
  return true;
}

// The block loop of one kernel: `masks` classifies 64 bytes, `prefix` is the prefix XOR. The
// last bytes of the text (64 or fewer) are classified from a copy padded with spaces, which
// change no mask.
#define RELAY_SKIM_BLOCK_LOOP(masks, prefix, utf8)                                \
  Run r{s.p, s.end, s.outer, s.outer, 0, 0, s.p};                                 \
  const char* base = s.p;                                                         \
  for (; r.end - base > 64; base += 64) {                                         \
    const Masks m = masks(base);                                                  \
    if (finishBlock<utf8>(r, s, m, prefix(unescapedQuotes(r, m)), base)) return;  \
  }                                                                               \
  alignas(64) char tail[64];                                                      \
  std::memset(tail, ' ', sizeof tail);                                            \
  std::memcpy(tail, base, static_cast<size_t>(r.end - base));                     \
  const Masks m = masks(tail);                                                    \
  if (finishBlock<nullptr>(r, s, m, prefix(unescapedQuotes(r, m)), base)) return; \
  s.fault = Fault::kUnterminated;                                                 \
  s.stop = r.end;

inline void skipScalar(Skip& s) {
  RELAY_SKIM_BLOCK_LOOP(masksScalar, prefixXorShifts, nullptr)
}

#if defined(RELAY_SKIM_X86)

[[gnu::always_inline]] inline void masks16Sse2(const char* p, unsigned shift, Masks& m) {
  const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  auto bits = [&](__m128i x) {
    return static_cast<uint64_t>(static_cast<unsigned>(_mm_movemask_epi8(x))) << shift;
  };
  // '[' | 0x20 == '{' and ']' | 0x20 == '}'; no other byte maps onto those two.
  const __m128i folded = _mm_or_si128(v, _mm_set1_epi8(0x20));
  m.quote |= bits(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')));
  m.backslash |= bits(_mm_cmpeq_epi8(v, _mm_set1_epi8('\\')));
  m.open |= bits(_mm_cmpeq_epi8(folded, _mm_set1_epi8('{')));
  m.close |= bits(_mm_cmpeq_epi8(folded, _mm_set1_epi8('}')));
  m.high |= bits(v);
}

inline Masks masksSse2(const char* p) {
  Masks m;
  masks16Sse2(p, 0, m);
  masks16Sse2(p + 16, 16, m);
  masks16Sse2(p + 32, 32, m);
  masks16Sse2(p + 48, 48, m);
  return m;
}

inline void skipSse2(Skip& s) {
  RELAY_SKIM_BLOCK_LOOP(masksSse2, prefixXorShifts, nullptr)
}

#define RELAY_SKIM_AVX2 "avx2,bmi,popcnt,pclmul"
#define RELAY_SKIM_AVX512 "avx512f,avx512bw,avx2,bmi,popcnt,pclmul"

[[gnu::target(RELAY_SKIM_AVX2), gnu::always_inline]] inline uint64_t prefixXorClmul(uint64_t x) {
  const __m128i all = _mm_set1_epi8(static_cast<char>(0xFF));
  return static_cast<uint64_t>(
      _mm_cvtsi128_si64(_mm_clmulepi64_si128(_mm_cvtsi64_si128(static_cast<int64_t>(x)), all, 0)));
}

// UTF-8 by table lookups (Keiser and Lemire, "Validating UTF-8 in less than one instruction
// per byte", as in simdjson): each byte with the one to three before it is classified by the
// nibbles of the byte before and of itself; the AND of three 16-entry tables is non-zero exactly
// at an error among two-byte patterns, and the bytes that must be third or fourth of a sequence
// are checked apart.
namespace utf8_tables {
constexpr char kTooShort = 1 << 0;
constexpr char kTooLong = 1 << 1;
constexpr char kOverlong3 = 1 << 2;
constexpr char kTooLarge = 1 << 3;
constexpr char kSurrogate = 1 << 4;
constexpr char kOverlong2 = 1 << 5;
constexpr char kTooLarge1000 = 1 << 6;
constexpr char kOverlong4 = 1 << 6;
constexpr char kTwoConts = static_cast<char>(1 << 7);
constexpr char kCarry = kTooShort | kTooLong | kTwoConts;
}  // namespace utf8_tables

[[gnu::target(RELAY_SKIM_AVX2), gnu::always_inline]] inline __m256i table16(
    char t0, char t1, char t2, char t3, char t4, char t5, char t6, char t7, char t8, char t9,
    char t10, char t11, char t12, char t13, char t14, char t15) {
  return _mm256_setr_epi8(t0, t1, t2, t3, t4, t5, t6, t7, t8, t9, t10, t11, t12, t13, t14, t15, t0,
                          t1, t2, t3, t4, t5, t6, t7, t8, t9, t10, t11, t12, t13, t14, t15);
}

[[gnu::target(RELAY_SKIM_AVX2), gnu::always_inline]] inline __m256i highNibble(__m256i v) {
  return _mm256_and_si256(_mm256_srli_epi16(v, 4), _mm256_set1_epi8(0x0F));
}

// The errors of the 32 bytes `in`, given the 32 before them.
[[gnu::target(RELAY_SKIM_AVX2), gnu::always_inline]] inline __m256i utf8Errors(__m256i in,
                                                                               __m256i before) {
  using namespace utf8_tables;
  const __m256i low_nibble = _mm256_set1_epi8(0x0F);
  const __m256i joined = _mm256_permute2x128_si256(before, in, 0x21);
  const __m256i prev1 = _mm256_alignr_epi8(in, joined, 15);
  const __m256i prev2 = _mm256_alignr_epi8(in, joined, 14);
  const __m256i prev3 = _mm256_alignr_epi8(in, joined, 13);

  const __m256i byte1_high = _mm256_shuffle_epi8(
      table16(kTooLong, kTooLong, kTooLong, kTooLong, kTooLong, kTooLong, kTooLong, kTooLong,
              kTwoConts, kTwoConts, kTwoConts, kTwoConts, kTooShort | kOverlong2, kTooShort,
              kTooShort | kOverlong3 | kSurrogate,
              kTooShort | kTooLarge | kTooLarge1000 | kOverlong4),
      highNibble(prev1));
  const __m256i byte1_low = _mm256_shuffle_epi8(
      table16(kCarry | kOverlong3 | kOverlong2 | kOverlong4, kCarry | kOverlong2, kCarry, kCarry,
              kCarry | kTooLarge, kCarry | kTooLarge | kTooLarge1000,
              kCarry | kTooLarge | kTooLarge1000, kCarry | kTooLarge | kTooLarge1000,
              kCarry | kTooLarge | kTooLarge1000, kCarry | kTooLarge | kTooLarge1000,
              kCarry | kTooLarge | kTooLarge1000, kCarry | kTooLarge | kTooLarge1000,
              kCarry | kTooLarge | kTooLarge1000, kCarry | kTooLarge | kTooLarge1000 | kSurrogate,
              kCarry | kTooLarge | kTooLarge1000, kCarry | kTooLarge | kTooLarge1000),
      _mm256_and_si256(prev1, low_nibble));
  const __m256i byte2_high = _mm256_shuffle_epi8(
      table16(kTooShort, kTooShort, kTooShort, kTooShort, kTooShort, kTooShort, kTooShort,
              kTooShort,
              kTooLong | kOverlong2 | kTwoConts | kOverlong3 | kTooLarge1000 | kOverlong4,
              kTooLong | kOverlong2 | kTwoConts | kOverlong3 | kTooLarge,
              kTooLong | kOverlong2 | kTwoConts | kSurrogate | kTooLarge,
              kTooLong | kOverlong2 | kTwoConts | kSurrogate | kTooLarge, kTooShort, kTooShort,
              kTooShort, kTooShort),
      highNibble(in));
  const __m256i special = _mm256_and_si256(_mm256_and_si256(byte1_high, byte1_low), byte2_high);
  // Third and fourth bytes of a sequence (after 111_____ two back, or 1111____ three back)
  // must be continuations: the tables above see only pairs.
  const __m256i third = _mm256_subs_epu8(prev2, _mm256_set1_epi8(static_cast<char>(0xE0 - 0x80)));
  const __m256i fourth = _mm256_subs_epu8(prev3, _mm256_set1_epi8(static_cast<char>(0xF0 - 0x80)));
  const __m256i must_continue =
      _mm256_and_si256(_mm256_or_si256(third, fourth), _mm256_set1_epi8(static_cast<char>(0x80)));
  return _mm256_xor_si256(must_continue, special);
}

// A whole 64-byte block of the value (not its last): the vector check, then the sequence that
// crosses its end, if any, checked whole. The bytes before the value count as ASCII.
[[gnu::target(RELAY_SKIM_AVX2), gnu::noinline]] inline const char* utf8BlockAvx2(const char* base,
                                                                                 const char* value,
                                                                                 const char* end) {
  if (end - base < 64) return nullptr;
  const __m256i before = base > value
                             ? _mm256_loadu_si256(reinterpret_cast<const __m256i*>(base - 32))
                             : _mm256_setzero_si256();
  const __m256i in0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(base));
  const __m256i in1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(base + 32));
  const __m256i errors = _mm256_or_si256(utf8Errors(in0, before), utf8Errors(in1, in0));
  if (!_mm256_testz_si256(errors, errors)) return nullptr;
  for (int back = 1; back <= 3; ++back) {
    auto c = static_cast<unsigned char>(base[64 - back]);
    if (c < 0x80) break;
    if (c < 0xC0) continue;  // a continuation: its lead is further back
    const int length = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
    if (length <= back) break;  // complete within the block
    size_t n = utf8Sequence(reinterpret_cast<const unsigned char*>(base + 64 - back),
                            reinterpret_cast<const unsigned char*>(end));
    return n == 0 ? nullptr : base + 64 - back + n;
  }
  return base + 64;
}

[[gnu::target(RELAY_SKIM_AVX2), gnu::always_inline]] inline uint64_t bits32(__m256i x,
                                                                            unsigned shift) {
  return static_cast<uint64_t>(static_cast<uint32_t>(_mm256_movemask_epi8(x))) << shift;
}

[[gnu::target(RELAY_SKIM_AVX2), gnu::always_inline]] inline Masks masksAvx2(const char* p) {
  Masks m;
  for (unsigned half = 0; half < 2; ++half) {
    const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 32 * half));
    const __m256i folded = _mm256_or_si256(v, _mm256_set1_epi8(0x20));
    const unsigned shift = 32 * half;
    m.quote |= bits32(_mm256_cmpeq_epi8(v, _mm256_set1_epi8('"')), shift);
    m.backslash |= bits32(_mm256_cmpeq_epi8(v, _mm256_set1_epi8('\\')), shift);
    m.open |= bits32(_mm256_cmpeq_epi8(folded, _mm256_set1_epi8('{')), shift);
    m.close |= bits32(_mm256_cmpeq_epi8(folded, _mm256_set1_epi8('}')), shift);
    m.high |= bits32(v, shift);
  }
  return m;
}

[[gnu::target(RELAY_SKIM_AVX2)]] inline void skipAvx2(Skip& s) {
  RELAY_SKIM_BLOCK_LOOP(masksAvx2, prefixXorClmul, utf8BlockAvx2)
}

[[gnu::target(RELAY_SKIM_AVX512), gnu::always_inline]] inline Masks masksAvx512(const char* p) {
  const __m512i v = _mm512_loadu_si512(p);
  const __m512i folded = _mm512_or_si512(v, _mm512_set1_epi8(0x20));
  Masks m;
  m.quote = _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8('"'));
  m.backslash = _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8('\\'));
  m.open = _mm512_cmpeq_epi8_mask(folded, _mm512_set1_epi8('{'));
  m.close = _mm512_cmpeq_epi8_mask(folded, _mm512_set1_epi8('}'));
  m.high = _mm512_movepi8_mask(v);
  return m;
}

[[gnu::target(RELAY_SKIM_AVX512), gnu::always_inline]] inline uint64_t prefixXorClmul512(
    uint64_t x) {
  const __m128i all = _mm_set1_epi8(static_cast<char>(0xFF));
  return static_cast<uint64_t>(
      _mm_cvtsi128_si64(_mm_clmulepi64_si128(_mm_cvtsi64_si128(static_cast<int64_t>(x)), all, 0)));
}

[[gnu::target(RELAY_SKIM_AVX512)]] inline void skipAvx512(Skip& s) {
  RELAY_SKIM_BLOCK_LOOP(masksAvx512, prefixXorClmul512, utf8BlockAvx2)
}

#endif  // RELAY_SKIM_X86

#undef RELAY_SKIM_BLOCK_LOOP

// The kernels, for tests and benchmarks to force one.
enum class Level : unsigned char { kScalar, kSse2, kAvx2, kAvx512 };

inline bool supported(Level level) {
#if defined(RELAY_SKIM_X86)
  __builtin_cpu_init();
  switch (level) {
    case Level::kScalar:
    case Level::kSse2:
      return true;
    case Level::kAvx2:
      return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("bmi") &&
             __builtin_cpu_supports("popcnt") && __builtin_cpu_supports("pclmul");
    case Level::kAvx512:
      return supported(Level::kAvx2) && __builtin_cpu_supports("avx512f") &&
             __builtin_cpu_supports("avx512bw");
  }
  return false;
#else
  return level == Level::kScalar;
#endif
}

using SkipFn = void (*)(Skip&);

inline SkipFn kernel(Level level) {
  switch (level) {
#if defined(RELAY_SKIM_X86)
    case Level::kSse2:
      return skipSse2;
    case Level::kAvx2:
      return skipAvx2;
    case Level::kAvx512:
      return skipAvx512;
#endif
    default:
      return skipScalar;
  }
}

inline Level bestLevel() {
  for (Level l : {Level::kAvx512, Level::kAvx2, Level::kSse2})
    if (supported(l)) return l;
  return Level::kScalar;
}

// The kernel of this CPU, chosen on first use.
inline SkipFn bestKernel() {
  static const SkipFn best = kernel(bestLevel());
  return best;
}

// Skips the object or array at `value` (inside `depth` open containers) with `skip`.
inline Skip skipWith(SkipFn skip, const char* value, const char* end, int depth) {
  Skip s(value, end, depth);
  skip(s);
  return s;
}

}  // namespace relay::skim::unchecked

#endif
