// The block skim (see skim_paths.h). Stage 1 turns each 64-byte block into bitmasks
// (skim_classify.h) and, from them, validates what lies inside strings (no control byte, every
// escape well formed, UTF-8 well formed) and lists the positions of the tokens: structural
// characters outside strings, every unescaped quote, and the first byte of each run of scalar
// text (numbers, true, false, null, or anything else outside strings, which the grammar refuses).
// Stage 2 walks the grammar over those positions only: strings are skipped whole, from their
// opening quote to the next token, which is their closing quote. Stage 1 runs a batch of blocks
// at a time into a fixed array on the stack, so nothing is allocated.
//
// Why every byte is checked: a byte inside a string is checked by stage 1; a byte outside is
// whitespace, a structural character (a token), a quote (a token) or scalar text. A run of scalar
// text starts with a token, the grammar validates the scalar from there, and the byte after it
// must be whitespace, a structural character or the end, so the run is exactly the scalar.
#include "core/json/skim.h"

#include <array>
#include <cstdint>
#include <cstring>

#include "core/json/bounded_reader.h"
#include "core/json/json_view.h"
#include "core/json/skim_classify.h"
#include "core/json/skim_paths.h"

namespace relay::json {

namespace {

using skim::BlockMasks;

constexpr size_t kBlock = 64;
constexpr size_t kBatchBlocks = 16;  // blocks classified per call of a kernel

bool isDigit(char c) {
  return c >= '0' && c <= '9';
}
bool isHex(char c) {
  return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

constexpr std::array<bool, 256> kSpace = [] {
  std::array<bool, 256> t{};
  for (unsigned char c : {' ', '\t', '\n', '\r'}) t[c] = true;
  return t;
}();

// Bytes that may follow a scalar: whitespace, a structural character (or the end of the text).
constexpr std::array<bool, 256> kScalarEnd = [] {
  std::array<bool, 256> t{};
  for (unsigned char c : {' ', '\t', '\n', '\r', '{', '}', '[', ']', ':', ','}) t[c] = true;
  return t;
}();

unsigned hex4Value(const char* p) {
  unsigned v = 0;
  for (int i = 0; i < 4; ++i) {
    char c = p[i];
    v = v * 16 + static_cast<unsigned>(isDigit(c) ? c - '0' : (c | 0x20) - 'a' + 10);
  }
  return v;
}

bool isHex4(const char* p) {
  return isHex(p[0]) && isHex(p[1]) && isHex(p[2]) && isHex(p[3]);
}

// The escape whose backslash is at p: \" \\ \/ \b \f \n \r \t or \uXXXX, where \uD800-\uDBFF
// must be followed by an escaped low surrogate \uDC00-\uDFFF.
bool escapeValid(const char* p, const char* end) {
  if (end - p < 2) return false;
  switch (p[1]) {
    case '"':
    case '\\':
    case '/':
    case 'b':
    case 'f':
    case 'n':
    case 'r':
    case 't':
      return true;
    case 'u': {
      if (end - p < 6 || !isHex4(p + 2)) return false;
      unsigned cp = hex4Value(p + 2);
      if (cp < 0xD800 || cp > 0xDBFF) return true;
      const char* q = p + 6;
      if (end - q < 6 || q[0] != '\\' || q[1] != 'u' || !isHex4(q + 2)) return false;
      unsigned low = hex4Value(q + 2);
      return low >= 0xDC00 && low <= 0xDFFF;
    }
    default:
      return false;
  }
}

// Length of the well-formed UTF-8 sequence at p (RFC 3629: no overlong forms, no surrogates,
// nothing above U+10FFFF), or 0.
size_t utf8Sequence(const unsigned char* p, const unsigned char* end) {
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

// Bit i set: an odd number of 1 bits at positions <= i.
uint64_t prefixXor(uint64_t x) {
  x ^= x << 1;
  x ^= x << 2;
  x ^= x << 4;
  x ^= x << 8;
  x ^= x << 16;
  x ^= x << 32;
  return x;
}

// Stage 1's state across blocks, and the token positions of the current batch.
class Stage1 {
 public:
  Stage1(const char* text, size_t size) : text_(text), end_(text + size) {}

  // What stage 1 carries from one block to the next. The kernels copy it into a local for a
  // batch, so that it stays in registers while token positions are stored.
  struct Carry {
    uint64_t next_escaped = 0;  // the previous block ended in an odd backslash run
    uint64_t in_string = 0;     // all ones: the previous block ended inside a string
    uint64_t scalar = 0;        // the previous block ended in scalar text
    uint64_t errors = 0;        // a control byte inside a string
  };

  // One block at text offset `base` (masks of the text's bytes, or of a padded copy of its last
  // bytes); stores its token positions from `out` on and returns the end of them.
  [[gnu::always_inline]] uint32_t* block(const BlockMasks& m, uint32_t base, Carry& c,
                                         uint32_t* out) {
    // Backslash runs (as simdjson): `escaped` marks each byte preceded by an odd run, `escape`
    // each backslash that starts an escape. Runs carry over from the previous block.
    uint64_t escaped = 0;
    uint64_t escape = 0;
    if (m.backslash == 0 && c.next_escaped == 0) {
      // The usual case: no backslash near.
    } else {
      constexpr uint64_t kOdd = 0xAAAAAAAAAAAAAAAAULL;
      uint64_t potential = m.backslash & ~c.next_escaped;
      uint64_t codes = (((potential << 1) | kOdd) - potential) ^ kOdd;
      escaped = codes ^ (m.backslash | c.next_escaped);
      escape = codes & m.backslash;
      c.next_escaped = escape >> 63;
    }
    const uint64_t quotes = m.quote & ~escaped;
    // Inside a string: from its opening quote up to (not including) its closing quote.
    const uint64_t in_string = prefixXor(quotes) ^ c.in_string;
    c.in_string = static_cast<uint64_t>(static_cast<int64_t>(in_string) >> 63);
    c.errors |= m.control & in_string;
    if ((escape & in_string) != 0) [[unlikely]]
      checkEscapes(escape & in_string, base);
    if (m.non_ascii != 0) [[unlikely]]
      checkUtf8(m.non_ascii, base);
    const uint64_t scalar = ~(m.op | m.space | quotes | in_string);
    const uint64_t scalar_start = scalar & ~((scalar << 1) | c.scalar);
    c.scalar = scalar >> 63;
    // Structural characters outside strings, opening quotes (a string's closing quote is not
    // a token: the next token lies past it), and scalar starts.
    uint64_t tokens = (m.op & ~in_string) | (quotes & in_string) | scalar_start;
    while (tokens != 0) {
      *out++ = base + static_cast<uint32_t>(__builtin_ctzll(tokens));
      tokens &= tokens - 1;
    }
    return out;
  }

  bool inString() const { return carry_.in_string != 0; }
  bool failed() const { return errors_ != 0 || carry_.errors != 0; }

  Carry carry_;

  // The batch's tokens.
  uint32_t tokens_[kBatchBlocks * kBlock + 1];
  size_t count_ = 0;

 private:
  [[gnu::noinline]] void checkEscapes(uint64_t starts, uint32_t base) {
    for (; starts != 0; starts &= starts - 1)
      if (!escapeValid(text_ + base + __builtin_ctzll(starts), end_)) errors_ |= 1;
  }
  // Every non-ASCII byte of the text (outside strings they are refused by the grammar anyway,
  // so checking them all is the same as checking those inside strings).
  [[gnu::noinline]] void checkUtf8(uint64_t bytes, uint32_t base) {
    for (; bytes != 0; bytes &= bytes - 1) {
      size_t at = base + static_cast<size_t>(__builtin_ctzll(bytes));
      if (at < utf8_done_) continue;  // a continuation byte of a sequence already checked
      const auto* p = reinterpret_cast<const unsigned char*>(text_ + at);
      size_t n = utf8Sequence(p, reinterpret_cast<const unsigned char*>(end_));
      if (n == 0) {
        errors_ |= 1;
        return;
      }
      utf8_done_ = at + n;
    }
  }

  const char* text_;
  const char* end_;
  uint64_t errors_ = 0;
  size_t utf8_done_ = 0;
};

// A kernel: classifies `blocks` blocks from p, the first at text offset `base`.
using Stage1Fn = void (*)(Stage1&, const char* p, size_t blocks, uint32_t base);

void stage1Scalar(Stage1& s, const char* p, size_t blocks, uint32_t base) {
  Stage1::Carry c = s.carry_;
  uint32_t* out = s.tokens_ + s.count_;
  for (size_t i = 0; i < blocks; ++i)
    out = s.block(skim::classifyScalar(p + i * kBlock), base + static_cast<uint32_t>(i * kBlock), c,
                  out);
  s.carry_ = c;
  s.count_ = static_cast<size_t>(out - s.tokens_);
}

#if defined(RELAY_SKIM_X86)
void stage1Sse2(Stage1& s, const char* p, size_t blocks, uint32_t base) {
  Stage1::Carry c = s.carry_;
  uint32_t* out = s.tokens_ + s.count_;
  for (size_t i = 0; i < blocks; ++i)
    out = s.block(skim::classifySse2(p + i * kBlock), base + static_cast<uint32_t>(i * kBlock), c,
                  out);
  s.carry_ = c;
  s.count_ = static_cast<size_t>(out - s.tokens_);
}

[[gnu::target("avx2")]] void stage1Avx2(Stage1& s, const char* p, size_t blocks, uint32_t base) {
  Stage1::Carry c = s.carry_;
  uint32_t* out = s.tokens_ + s.count_;
  for (size_t i = 0; i < blocks; ++i)
    out = s.block(skim::classifyAvx2(p + i * kBlock), base + static_cast<uint32_t>(i * kBlock), c,
                  out);
  s.carry_ = c;
  s.count_ = static_cast<size_t>(out - s.tokens_);
}

[[gnu::target("avx512bw")]] void stage1Avx512(Stage1& s, const char* p, size_t blocks,
                                              uint32_t base) {
  Stage1::Carry c = s.carry_;
  uint32_t* out = s.tokens_ + s.count_;
  for (size_t i = 0; i < blocks; ++i)
    out = s.block(skim::classifyAvx512(p + i * kBlock), base + static_cast<uint32_t>(i * kBlock), c,
                  out);
  s.carry_ = c;
  s.count_ = static_cast<size_t>(out - s.tokens_);
}
#endif

Stage1Fn stage1For(SkimKernel kernel) {
  switch (kernel) {
#if defined(RELAY_SKIM_X86)
    case SkimKernel::kSse2:
      return stage1Sse2;
    case SkimKernel::kAvx2:
      return stage1Avx2;
    case SkimKernel::kAvx512:
      return stage1Avx512;
#endif
    default:
      return stage1Scalar;
  }
}

// Stage 2: the grammar over the token positions, pulling batches from stage 1 as it goes.
class Walker {
 public:
  Walker(std::string_view text, Stage1Fn stage1, std::vector<SkimMember>& members)
      : text_(text.data()),
        size_(static_cast<uint32_t>(text.size())),
        full_blocks_(text.size() / kBlock),
        stage1_fn_(stage1),
        stage1_(text.data(), text.size()),
        members_(members) {}

  bool run() {
    if (!walk()) return false;
    return !stage1_.failed() && !stage1_.inString();
  }

 private:
  struct Token {
    uint32_t at;
    char c;  // '\0' past the end
  };

  // Runs stage 1 until it yields a token; past the end of the text, the token is the end.
  // Returns how many tokens stage1_.tokens_ holds.
  [[gnu::noinline]] size_t refill() {
    stage1_.count_ = 0;
    while (stage1_.count_ == 0) {
      if (stage1_.failed()) break;  // refused already: stop at once
      if (next_block_ < full_blocks_) {
        size_t n =
            full_blocks_ - next_block_ < kBatchBlocks ? full_blocks_ - next_block_ : kBatchBlocks;
        stage1_fn_(stage1_, text_ + next_block_ * kBlock, n,
                   static_cast<uint32_t>(next_block_ * kBlock));
        next_block_ += n;
      } else if (!tail_done_) {
        tail_done_ = true;
        size_t tail = size_ - full_blocks_ * kBlock;
        if (tail == 0) continue;
        char padded[kBlock];
        std::memset(padded, ' ', kBlock);
        std::memcpy(padded, text_ + full_blocks_ * kBlock, tail);
        stage1_fn_(stage1_, padded, 1, static_cast<uint32_t>(full_blocks_ * kBlock));
      } else {
        break;
      }
    }
    if (stage1_.count_ == 0) stage1_.tokens_[stage1_.count_++] = size_;
    return stage1_.count_;
  }

  bool literal(uint32_t at, const char* word, uint32_t len, uint32_t* end) {
    if (size_ - at < len || std::memcmp(text_ + at, word, len) != 0) return false;
    *end = at + len;
    return true;
  }

  // -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? checked as text; never converted.
  bool number(uint32_t at, uint32_t* end) {
    const char* p = text_ + at;
    const char* e = text_ + size_;
    if (*p == '-') ++p;
    if (p == e || !isDigit(*p)) return false;
    if (*p == '0') {
      ++p;
    } else {
      while (p < e && isDigit(*p)) ++p;
    }
    if (p < e && *p == '.') {
      ++p;
      if (p == e || !isDigit(*p)) return false;
      while (p < e && isDigit(*p)) ++p;
    }
    if (p < e && (*p == 'e' || *p == 'E')) {
      ++p;
      if (p < e && (*p == '+' || *p == '-')) ++p;
      if (p == e || !isDigit(*p)) return false;
      while (p < e && isDigit(*p)) ++p;
    }
    *end = static_cast<uint32_t>(p - text_);
    return true;
  }

  bool scalarEnds(uint32_t end) const {
    return end == size_ || kScalarEnd[static_cast<unsigned char>(text_[end])];
  }

  // The end of the value (or key) whose next token is at `next`: whitespace trimmed.
  uint32_t trimmedEnd(uint32_t next) const {
    while (next > 0 && kSpace[static_cast<unsigned char>(text_[next - 1])]) --next;
    return next;
  }

  bool walk() {
    // The batch's tokens, walked with locals so that they stay in registers.
    const char* const text = text_;
    const uint32_t size = size_;
    const uint32_t* cur = stage1_.tokens_;
    const uint32_t* stop = cur;
    auto next = [&]() -> Token {
      if (cur == stop) [[unlikely]] {
        stop = stage1_.tokens_ + refill();
        cur = stage1_.tokens_;
      }
      uint32_t at = *cur++;
      return {at, at < size ? text[at] : '\0'};
    };
    bool is_object[kMaxJsonDepth];
    int depth = 0;
    const char* key = nullptr;
    uint32_t key_len = 0;
    uint32_t value_begin = 0;
    uint32_t scalar_end = 0;
    Token t = next();
    if (t.c != '{') return false;  // other roots: the reference names them

  open_object:  // t is '{'
    if (depth >= kMaxJsonDepth) return false;
    is_object[depth++] = true;
    t = next();
    if (t.c == '}') {
      --depth;
      t = next();
      goto after_value;
    }

  member:  // t should be a key's opening quote
    if (t.c != '"') return false;
    {
      uint32_t key_begin = t.at + 1;
      t = next();  // past the key's closing quote
      if (t.c != ':') return false;
      if (depth == 1) {
        key = text_ + key_begin;
        key_len = trimmedEnd(t.at) - 1 - key_begin;
      }
    }
    t = next();
    if (depth == 1) value_begin = t.at;

  value:  // t should start a value
    switch (t.c) {
      case '{':
        goto open_object;
      case '[':
        if (depth >= kMaxJsonDepth) return false;
        is_object[depth++] = false;
        t = next();
        if (t.c == ']') {
          --depth;
          t = next();
          goto after_value;
        }
        goto value;
      case '"':
        t = next();  // past the closing quote
        goto after_value;
      case 't':
        if (!literal(t.at, "true", 4, &scalar_end)) return false;
        break;
      case 'f':
        if (!literal(t.at, "false", 5, &scalar_end)) return false;
        break;
      case 'n':
        if (!literal(t.at, "null", 4, &scalar_end)) return false;
        break;
      default:
        if (!number(t.at, &scalar_end)) return false;
        break;
    }
    if (!scalarEnds(scalar_end)) return false;
    t = next();

  after_value:                             // t is the token after the value
    if (depth == 0) return t.at == size_;  // only whitespace after the root
    if (depth == 1)
      members_.push_back({std::string_view(key, key_len),
                          std::string_view(text_ + value_begin, trimmedEnd(t.at) - value_begin),
                          std::memchr(key, '\\', key_len) != nullptr});
    if (t.c == ',') {
      t = next();
      if (is_object[depth - 1]) goto member;
      goto value;
    }
    if (t.c == (is_object[depth - 1] ? '}' : ']')) {
      --depth;
      t = next();
      goto after_value;
    }
    return false;
  }

  const char* text_;
  uint32_t size_;
  size_t full_blocks_;
  size_t next_block_ = 0;
  bool tail_done_ = false;
  Stage1Fn stage1_fn_;
  Stage1 stage1_;
  std::vector<SkimMember>& members_;
};

bool cpuHas(SkimKernel kernel) {
  switch (kernel) {
    case SkimKernel::kScalar:
      return true;
#if defined(RELAY_SKIM_X86)
    case SkimKernel::kSse2:
      return true;
    case SkimKernel::kAvx2:
      return __builtin_cpu_supports("avx2");
    case SkimKernel::kAvx512:
      return __builtin_cpu_supports("avx512bw");
#endif
    default:
      return false;
  }
}

SkimKernel bestKernel() {
  static const SkimKernel best = [] {
    __builtin_cpu_init();
    return availableSkimKernels().back();
  }();
  return best;
}

}  // namespace

std::vector<SkimKernel> availableSkimKernels() {
  std::vector<SkimKernel> out;
  for (SkimKernel k :
       {SkimKernel::kScalar, SkimKernel::kSse2, SkimKernel::kAvx2, SkimKernel::kAvx512})
    if (cpuHas(k)) out.push_back(k);
  return out;
}

const char* skimKernelName(SkimKernel kernel) {
  switch (kernel) {
    case SkimKernel::kScalar:
      return "scalar";
    case SkimKernel::kSse2:
      return "sse2";
    case SkimKernel::kAvx2:
      return "avx2";
    case SkimKernel::kAvx512:
      return "avx512";
  }
  return "?";
}

bool blockSkim(std::string_view text, SkimKernel kernel, std::vector<SkimMember>& members) {
  if (text.size() >= UINT32_MAX) return false;  // positions are 32-bit; the reference decides
  return Walker(text, stage1For(kernel), members).run();
}

ObjectSkim skimObjectWith(std::string_view text, SkimKernel kernel) {
  ObjectSkim out;
  out.text_data = text.data();
  out.text_size = text.size();
  out.members.reserve(16);  // a request body has about 5-15 root members: one allocation
  if (blockSkim(text, kernel, out.members)) {
    out.ok = true;
    return out;
  }
  return skimObjectReference(text);
}

ObjectSkim skimObject(std::string_view text) {
  return skimObjectWith(text, bestKernel());
}

std::string_view ObjectSkim::member(std::string_view name) const {
  for (const SkimMember& m : members)
    if (keyEquals(m.key, m.key_escaped, name)) return m.value;
  return {};
}

}  // namespace relay::json
