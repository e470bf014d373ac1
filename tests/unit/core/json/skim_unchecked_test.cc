// The skip of the objects and arrays no reader opens (lib/json_skim/unchecked_skip.h): every
// kernel this CPU runs, forced in turn, against a byte-by-byte reference over random and
// adversarial texts; then what skimObject() accepts and refuses through it.
#include <doctest/doctest.h>

#include <random>
#include <string>
#include <vector>

#include "core/json/skim.h"
#include "json_skim/unchecked_skip.h"

using namespace relay::json;
namespace unchecked = relay::skim::unchecked;

namespace {

struct Outcome {
  bool ok = false;
  size_t stop = 0;  // past the value, when ok
};

// Byte by byte: a backslash escapes the next byte (an escaped quote toggles nothing, an escaped
// backslash escapes nothing; outside strings the grammar refuses backslashes, so the skip need not
// care what they do to brackets), quotes toggle strings, brackets outside strings count; then every
// byte of the value must be well-formed UTF-8.
Outcome reference(const std::string& text, int outer) {
  int depth = outer;
  bool in_string = false;
  bool escaped = false;
  size_t stop = 0;
  for (size_t i = 0; i < text.size() && stop == 0; ++i) {
    char c = text[i];
    bool was_escaped = escaped;
    escaped = false;
    if (c == '\\') {
      escaped = !was_escaped;
    } else if (c == '"') {
      if (!was_escaped) in_string = !in_string;
    } else if (!in_string && (c == '[' || c == '{')) {
      if (depth >= unchecked::kDepthLimit) return {};
      ++depth;
    } else if (!in_string && (c == ']' || c == '}')) {
      if (--depth == outer) stop = i + 1;
    }
  }
  if (stop == 0) return {};
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  for (size_t i = 0; i < stop;) {
    if (p[i] < 0x80) {
      ++i;
      continue;
    }
    size_t n = relay::skim::utf8Sequence(p + i, p + text.size());
    if (n == 0 || i + n > stop) return {};
    i += n;
  }
  return {true, stop};
}

std::vector<unchecked::Level> levels() {
  std::vector<unchecked::Level> out;
  for (auto l : {unchecked::Level::kScalar, unchecked::Level::kSse2, unchecked::Level::kAvx2,
                 unchecked::Level::kAvx512})
    if (unchecked::supported(l)) out.push_back(l);
  return out;
}

const char* name(unchecked::Level l) {
  switch (l) {
    case unchecked::Level::kScalar:
      return "scalar";
    case unchecked::Level::kSse2:
      return "sse2";
    case unchecked::Level::kAvx2:
      return "avx2";
    case unchecked::Level::kAvx512:
      return "avx512";
  }
  return "?";
}

void checkAll(const std::string& text, int outer) {
  Outcome want = reference(text, outer);
  for (unchecked::Level l : levels()) {
    unchecked::Skip s =
        unchecked::skipWith(unchecked::kernel(l), text.data(), text.data() + text.size(), outer);
    bool ok = s.fault == unchecked::Fault::kNone;
    INFO("kernel ", std::string(name(l)), " outer ", outer, " text ", text);
    REQUIRE(ok == want.ok);
    if (ok) REQUIRE(static_cast<size_t>(s.stop - text.data()) == want.stop);
  }
}

// Pieces the random texts are made of: structure, escapes, and UTF-8 good and bad.
const std::vector<std::string> kPieces = {"[",
                                          "]",
                                          "{",
                                          "}",
                                          "\"",
                                          "\\",
                                          "\\\\",
                                          "\\\"",
                                          "a",
                                          " ",
                                          ",",
                                          ":",
                                          "xxxxxxxxxxxxxxx",
                                          "\xc3\xa9",
                                          "\xe6\x97\xa5",
                                          "\xf0\x9f\x98\x80",
                                          "\xed\xa0\x80",
                                          "\xc0\xaf",
                                          "\xe0\x80\xaf",
                                          "\xf4\x90\x80\x80",
                                          "\x80",
                                          "\xf5",
                                          "\xe6\x97",
                                          "\xf0\x9f"};

}  // namespace

TEST_CASE("the kernels this CPU runs") {
  std::string names;
  for (auto l : levels()) names += std::string(name(l)) + " ";
  MESSAGE("unchecked skip kernels: ", names);
  CHECK(unchecked::supported(unchecked::Level::kScalar));
}

TEST_CASE("every kernel agrees with the reference on random texts") {
  std::mt19937 rng(12345);
  for (int round = 0; round < 30000; ++round) {
    std::string text = rng() % 2 ? "[" : "{";
    size_t pieces = rng() % 120;
    bool ascii = rng() % 4 == 0;
    for (size_t i = 0; i < pieces; ++i) {
      const std::string& piece = kPieces[rng() % (ascii ? 13 : kPieces.size())];
      text += piece;
    }
    if (rng() % 2) text += std::string(rng() % 70, ' ') + "]]]]}}}}";
    checkAll(text, static_cast<int>(rng() % 3));
  }
}

// UTF-8 encoding of a code point (no check: surrogates are encoded too, as a bad input).
std::string encode(uint32_t cp) {
  std::string out;
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
  return out;
}

TEST_CASE("long non-ASCII texts, valid or with one bad sequence anywhere") {
  std::mt19937 rng(777);
  const uint32_t edges[] = {0x80,   0x7FF,   0x800,   0xFFF,   0x1000,  0xD7FF,   0xE000,  0xFFFD,
                            0xFFFF, 0x10000, 0x3FFFF, 0x40000, 0xFFFFF, 0x100000, 0x10FFFF};
  const std::vector<std::string> bad = {"\xc0\xaf",
                                        "\xc1\xbf",
                                        "\xe0\x9f\xbf",
                                        "\xed\xa0\x80",
                                        "\xed\xbf\xbf",
                                        "\xf0\x8f\xbf\xbf",
                                        "\xf4\x90\x80\x80",
                                        "\xf5\x80\x80\x80",
                                        "\xff",
                                        "\x80",
                                        "\xbf",
                                        "\xc3",
                                        "\xe6\x97",
                                        "\xf0\x9f\x98",
                                        "\xc3\xa9\xa9",
                                        "\xe6\x97\xa5\x80"};
  for (int round = 0; round < 6000; ++round) {
    std::string text = "[\"";
    size_t target = 60 + rng() % 400;
    bool with_bad = rng() % 2 == 0;
    size_t bad_at = with_bad ? rng() % target : target + 1;
    while (text.size() < target) {
      if (text.size() >= bad_at) {
        text += bad[rng() % bad.size()];
        bad_at = target + 1;
        continue;
      }
      switch (rng() % 6) {
        case 0:
          text += static_cast<char>('a' + rng() % 26);
          break;
        case 1:
          text += encode(edges[rng() % std::size(edges)]);
          break;
        case 2:
          text += encode(0x80 + rng() % (0x800 - 0x80));
          break;
        case 3: {
          uint32_t cp = 0x800 + rng() % (0x10000 - 0x800);
          if (cp >= 0xD800 && cp <= 0xDFFF) cp = 0x4E2D;
          text += encode(cp);
          break;
        }
        default:
          text += encode(0x10000 + rng() % (0x110000 - 0x10000));
      }
    }
    text += "\"]";
    if (rng() % 2) text += " trailing \xff";  // after the value: not its bytes
    checkAll(text, 1);
  }
}

TEST_CASE("escapes, strings and UTF-8 across every block edge") {
  for (size_t pad = 0; pad < 140; ++pad) {
    std::string filler(pad, 'x');
    checkAll("[\"" + filler + "\\\"]\"]", 1);         // an escaped quote: the string goes on
    checkAll("[\"" + filler + "\\\\\"]", 1);          // an escaped backslash: the quote closes
    checkAll("[\"" + filler + "\\\\\\\"]\"]", 1);     // a run of three
    checkAll("[\"" + filler + "]}{[\"]", 1);          // brackets inside a string
    checkAll("[" + filler + "\xf0\x9f\x98\x80]", 1);  // a 4-byte sequence at every offset
    checkAll("[" + filler + "\xe6\x97\xa5]", 1);
    checkAll("[" + filler + "\xf0\x9f\x98]", 1);      // truncated by the bracket
    checkAll("[" + filler + "\xed\xa0\x80]", 1);      // a surrogate
    checkAll("[" + filler + "\xe0\x80\xaf]", 1);      // an overlong form
    checkAll("[" + filler + "\xf4\x90\x80\x80]", 1);  // above U+10FFFF
    checkAll("[" + filler + "]\xff", 1);              // a bad byte after the value: not its
    checkAll("[" + filler, 1);                        // never closed
    checkAll("[\"" + filler + "]", 1);                // inside a string at the end
  }
}

TEST_CASE("depth: exactly the limit passes, one more is refused, at any offset") {
  for (size_t pad = 0; pad < 70; pad += 7) {
    for (int outer : {0, 1, 5}) {
      int inside = unchecked::kDepthLimit - outer;  // containers the value may open
      std::string filler(pad, ' ');
      std::string at_limit = std::string(static_cast<size_t>(inside), '[') + filler +
                             std::string(static_cast<size_t>(inside), ']');
      checkAll(at_limit, outer);
      std::string over = std::string(static_cast<size_t>(inside + 1), '[') + filler +
                         std::string(static_cast<size_t>(inside + 1), ']');
      checkAll(over, outer);
      for (unchecked::Level l : levels()) {
        auto s = unchecked::skipWith(unchecked::kernel(l), at_limit.data(),
                                     at_limit.data() + at_limit.size(), outer);
        CHECK(s.fault == unchecked::Fault::kNone);
        s = unchecked::skipWith(unchecked::kernel(l), over.data(), over.data() + over.size(),
                                outer);
        CHECK(s.fault == unchecked::Fault::kTooDeep);
        CHECK(s.stop == over.data() + inside);
      }
    }
  }
}

TEST_CASE("skimObject: object and array members are checked only when read") {
  // Grammar errors inside them pass the skim (the upstream refuses them)...
  ObjectSkim s = skimObject(
      R"({"model":"m","tools":[1 2 {"a" "b"}, tru],"stream":true,"messages":[{"role" "user"}],)"
      R"("metadata":{"user_id":"u"}})");
  REQUIRE(s.ok);
  CHECK(s.members[1].value == R"([1 2 {"a" "b"}, tru])");
  CHECK(s.members[1].unchecked);
  CHECK(s.member("stream") == "true");
  // ...and read as absent: no reader sees a value that is not valid JSON.
  CHECK(s.member("messages").empty());
  CHECK(s.member("tools").empty());
  CHECK(s.member("metadata") == R"({"user_id":"u"})");
  CHECK_FALSE(s.members[4].unchecked);
  CHECK(s.member("metadata") == R"({"user_id":"u"})");  // checked once, kept
  CHECK(skimObject(R"({"tools":{"x":[}],"a":1})").ok);  // brackets are only counted
  // The root object itself and its scalar members are checked by the skim.
  CHECK_FALSE(skimObject(R"({"tools":[] "a":1})").ok);
  CHECK_FALSE(skimObject(R"({"tools":[],"a":tru})").ok);
  CHECK_FALSE(skimObject(R"({"tools":[],"a":"\x"})").ok);
}

TEST_CASE("skimObject: nesting and UTF-8 stay enforced inside unread members") {
  // The root is one level: 127 more inside a member is the limit.
  std::string ok = "{\"tools\":" + std::string(127, '[') + std::string(127, ']') + "}";
  CHECK(skimObject(ok).ok);
  std::string deep = "{\"tools\":" + std::string(128, '[') + std::string(128, ']') + "}";
  CHECK(skimObject(deep).error == "JSON nesting deeper than 128 levels");
  std::string deep_string = "{\"tools\":[\"]\"," + std::string(128, '{') + "}";
  CHECK(skimObject(deep_string).error == "JSON nesting deeper than 128 levels");
  // Brackets inside strings do not count.
  std::string in_strings = "{\"tools\":[\"" + std::string(300, '[') + "\"]}";
  CHECK(skimObject(in_strings).ok);

  std::string bad = std::string("{\"tools\":[\"") + std::string(100, 'x') + "\xed\xa0\x80\"]}";
  CHECK(skimObject(bad).error == "malformed JSON body: Invalid encoding in string. (at byte 111)");
  CHECK_FALSE(skimObject(std::string("{\"tools\":[\"a\xc3\"]}")).ok);  // truncated
  CHECK_FALSE(skimObject(std::string("{\"tools\":{\xff:1}}")).ok);     // outside a string
  CHECK(skimObject(std::string("{\"tools\":[\"caf\xc3\xa9 \xf0\x9f\x98\x80\"]}")).ok);
}

TEST_CASE("skimObject: a text that ends inside an unread member names the error as before") {
  CHECK(skimObject(R"({"tools":[1,2)").error ==
        "malformed JSON body: Missing a comma or ']' after an array element. (at byte 13)");
  CHECK(skimObject(R"({"tools":["abc)").error ==
        "malformed JSON body: Missing a closing quotation mark in string. (at byte 10)");
}
