// The block skim's first step: one bit per byte of a 64-byte block for each class of byte the
// skim cares about. Bit i describes byte i. Every kernel gives the same masks for the same bytes
// (the unit tests and the fuzz target compare them through the skim).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define RELAY_SKIM_X86 1
#endif

namespace relay::json::skim {

struct BlockMasks {
  uint64_t quote = 0;      // '"'
  uint64_t backslash = 0;  // '\\'
  uint64_t op = 0;         // one of {}[]:,
  uint64_t space = 0;      // JSON whitespace: ' ', '\t', '\n', '\r'
  uint64_t control = 0;    // below 0x20
  uint64_t non_ascii = 0;  // 0x80 and above
};

enum : uint8_t {
  kQuoteBit = 1,
  kBackslashBit = 2,
  kOpBit = 4,
  kSpaceBit = 8,
  kControlBit = 16,
  kNonAsciiBit = 32,
};

inline constexpr std::array<uint8_t, 256> kByteClass = [] {
  std::array<uint8_t, 256> t{};
  for (int c = 0; c < 256; ++c) {
    uint8_t k = 0;
    if (c == '"') k |= kQuoteBit;
    if (c == '\\') k |= kBackslashBit;
    if (c == '{' || c == '}' || c == '[' || c == ']' || c == ':' || c == ',') k |= kOpBit;
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') k |= kSpaceBit;
    if (c < 0x20) k |= kControlBit;
    if (c >= 0x80) k |= kNonAsciiBit;
    t[static_cast<size_t>(c)] = k;
  }
  return t;
}();

// Byte by byte: runs anywhere, and is the yardstick for the vector kernels.
inline BlockMasks classifyScalar(const char* p) {
  BlockMasks m;
  for (unsigned i = 0; i < 64; ++i) {
    uint64_t k = kByteClass[static_cast<unsigned char>(p[i])];
    m.quote |= (k & 1) << i;
    m.backslash |= ((k >> 1) & 1) << i;
    m.op |= ((k >> 2) & 1) << i;
    m.space |= ((k >> 3) & 1) << i;
    m.control |= ((k >> 4) & 1) << i;
    m.non_ascii |= ((k >> 5) & 1) << i;
  }
  return m;
}

#if defined(RELAY_SKIM_X86)

// x86-64 baseline: 16 bytes per vector, no byte shuffle (SSSE3 is not in the baseline), so the
// structural and whitespace characters are compared one by one.
[[gnu::always_inline]] inline void classify16Sse2(const char* p, unsigned shift, BlockMasks& m) {
  const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  auto eq = [&](char c) { return _mm_cmpeq_epi8(v, _mm_set1_epi8(c)); };
  auto bits = [&](__m128i x) {
    return static_cast<uint64_t>(static_cast<unsigned>(_mm_movemask_epi8(x))) << shift;
  };
  // '[' | 0x20 == '{' and ']' | 0x20 == '}'; no other byte maps onto those two.
  const __m128i folded = _mm_or_si128(v, _mm_set1_epi8(0x20));
  const __m128i brackets = _mm_or_si128(_mm_cmpeq_epi8(folded, _mm_set1_epi8('{')),
                                        _mm_cmpeq_epi8(folded, _mm_set1_epi8('}')));
  const __m128i op = _mm_or_si128(brackets, _mm_or_si128(eq(':'), eq(',')));
  const __m128i space =
      _mm_or_si128(_mm_or_si128(eq(' '), eq('\t')), _mm_or_si128(eq('\n'), eq('\r')));
  const __m128i control = _mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8(0x1F)), v);
  m.quote |= bits(eq('"'));
  m.backslash |= bits(eq('\\'));
  m.op |= bits(op);
  m.space |= bits(space);
  m.control |= bits(control);
  m.non_ascii |= bits(v);
}

inline BlockMasks classifySse2(const char* p) {
  BlockMasks m;
  classify16Sse2(p, 0, m);
  classify16Sse2(p + 16, 16, m);
  classify16Sse2(p + 32, 32, m);
  classify16Sse2(p + 48, 48, m);
  return m;
}

[[gnu::target("avx2"), gnu::always_inline]] inline uint64_t bits32(__m256i x, unsigned shift) {
  return static_cast<uint64_t>(static_cast<uint32_t>(_mm256_movemask_epi8(x))) << shift;
}

// 32 bytes per vector; whitespace and structural characters by a nibble lookup (pshufb):
// table[low nibble] == byte (for the structural ones: byte | 0x20) only for the wanted bytes.
// Entries of 0x80 match nothing (pshufb gives 0 for bytes >= 0x80, which equal no entry).
// ':' and ',' also catch 0x1A and 0x0C through the | 0x20; the caller clears control bytes.
[[gnu::target("avx2"), gnu::always_inline]] inline void classify32Avx2(const char* p,
                                                                       unsigned shift,
                                                                       BlockMasks& m) {
  const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
  const __m256i space_table =
      _mm256_setr_epi8(' ', -128, -128, -128, -128, -128, -128, -128, -128, '\t', '\n', -128, -128,
                       '\r', -128, -128, ' ', -128, -128, -128, -128, -128, -128, -128, -128, '\t',
                       '\n', -128, -128, '\r', -128, -128);
  const __m256i op_table = _mm256_setr_epi8(
      -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, ':', '{', ',', '}', -128, -128,
      -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, ':', '{', ',', '}', -128, -128);
  const __m256i space = _mm256_cmpeq_epi8(v, _mm256_shuffle_epi8(space_table, v));
  const __m256i op = _mm256_cmpeq_epi8(_mm256_or_si256(v, _mm256_set1_epi8(0x20)),
                                       _mm256_shuffle_epi8(op_table, v));
  const __m256i control = _mm256_cmpeq_epi8(_mm256_min_epu8(v, _mm256_set1_epi8(0x1F)), v);
  m.quote |= bits32(_mm256_cmpeq_epi8(v, _mm256_set1_epi8('"')), shift);
  m.backslash |= bits32(_mm256_cmpeq_epi8(v, _mm256_set1_epi8('\\')), shift);
  m.op |= bits32(op, shift);
  m.space |= bits32(space, shift);
  m.control |= bits32(control, shift);
  m.non_ascii |= bits32(v, shift);
}

[[gnu::target("avx2")]] inline BlockMasks classifyAvx2(const char* p) {
  BlockMasks m;
  classify32Avx2(p, 0, m);
  classify32Avx2(p + 32, 32, m);
  m.op &= ~m.control;
  return m;
}

// The nibble tables of classify32Avx2, repeated for each 16-byte lane of a 64-byte vector (a
// load: GCC 12 warns about the undefined upper lanes of _mm512_broadcast_i32x4).
constexpr std::array<int8_t, 16> kSpaceTable16 = {' ',  -128, -128, -128, -128, -128, -128, -128,
                                                  -128, '\t', '\n', -128, -128, '\r', -128, -128};
constexpr std::array<int8_t, 16> kOpTable16 = {-128, -128, -128, -128, -128, -128, -128, -128,
                                               -128, -128, ':',  '{',  ',',  '}',  -128, -128};
constexpr std::array<int8_t, 64> repeat4(const std::array<int8_t, 16>& lane) {
  std::array<int8_t, 64> t{};
  for (size_t i = 0; i < 64; ++i) t[i] = lane[i % 16];
  return t;
}
inline constexpr std::array<int8_t, 64> kSpaceTable64 = repeat4(kSpaceTable16);
inline constexpr std::array<int8_t, 64> kOpTable64 = repeat4(kOpTable16);

// The whole block in one vector, compared straight into mask registers.
[[gnu::target("avx512bw")]] inline BlockMasks classifyAvx512(const char* p) {
  const __m512i v = _mm512_loadu_si512(p);
  const __m512i space_table = _mm512_loadu_si512(kSpaceTable64.data());
  const __m512i op_table = _mm512_loadu_si512(kOpTable64.data());
  BlockMasks m;
  m.quote = _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8('"'));
  m.backslash = _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8('\\'));
  m.control = _mm512_cmple_epu8_mask(v, _mm512_set1_epi8(0x1F));
  m.space = _mm512_cmpeq_epi8_mask(v, _mm512_shuffle_epi8(space_table, v));
  m.op = _mm512_cmpeq_epi8_mask(_mm512_or_si512(v, _mm512_set1_epi8(0x20)),
                                _mm512_shuffle_epi8(op_table, v)) &
         ~m.control;
  m.non_ascii = _mm512_movepi8_mask(v);
  return m;
}

#endif  // RELAY_SKIM_X86

}  // namespace relay::json::skim
