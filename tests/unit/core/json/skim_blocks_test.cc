// The skim scans strings 16 and 64 bytes at a time, then byte by byte near the end of the text.
// Whatever needs attention (the closing quote, a backslash, a control byte, a non-ASCII byte)
// must be found at every offset of those blocks, and UTF-8 sequences that straddle a block
// boundary must be validated whole.
#include <doctest/doctest.h>

#include <string>

#include "core/json/json_view.h"
#include "core/json/skim.h"

using namespace relay::json;

namespace {

constexpr size_t kPrefix = 6;  // {"a":"  -- the string's contents start at this byte
constexpr size_t kLongest = 200;

// {"a":"<pad x `at`><insert><pad y up to `len` bytes of contents>"<tail>
std::string bodyWith(size_t at, const std::string& insert, size_t len, const std::string& tail) {
  std::string text = "{\"a\":\"" + std::string(at, 'x') + insert;
  size_t contents = at + insert.size();
  if (contents < len) text += std::string(len - contents, 'y');
  return text + "\"" + tail;
}

std::string errorAt(const char* reason, size_t byte) {
  return std::string("malformed JSON body: ") + reason + " (at byte " + std::to_string(byte) + ")";
}

// Tails after the string: far from the end of the text (the block paths) or right at it (the
// bytewise path).
const std::string kTails[] = {",\"b\":\"" + std::string(100, 'z') + "\"}", "}"};

}  // namespace

TEST_CASE("the closing quote ends a string at every length") {
  for (const std::string& tail : kTails) {
    for (size_t len = 0; len <= kLongest; ++len) {
      std::string text = bodyWith(len, "", len, tail);
      ObjectSkim s = skimObject(text);
      REQUIRE_MESSAGE(s.ok, "length ", len);
      CHECK(s.members[0].value.size() == len + 2);
      CHECK(JsonView(s.member("a")).stringCopy() == std::string(len, 'x'));
    }
  }
}

TEST_CASE("an unterminated string is refused at every length") {
  for (size_t len = 0; len <= kLongest; ++len) {
    std::string text = "{\"a\":\"" + std::string(len, 'x');
    CHECK(skimObject(text).error ==
          errorAt("Missing a closing quotation mark in string.", kPrefix - 1));
  }
}

TEST_CASE("escapes are seen at every offset") {
  for (const std::string& tail : kTails) {
    for (size_t at = 0; at < kLongest; ++at) {
      std::string text = bodyWith(at, "\\\"", kLongest, tail);  // the skim's views point here
      ObjectSkim good = skimObject(text);
      REQUIRE_MESSAGE(good.ok, "offset ", at);
      CHECK(good.members[0].key == "a");
      CHECK(JsonView(good.member("a")).stringCopy()[at] == '"');
      CHECK(skimObject(bodyWith(at, "\\u00e9", kLongest, tail)).ok);
      CHECK(skimObject(bodyWith(at, "\\q", kLongest, tail)).error ==
            errorAt("Invalid escape character in string.", kPrefix + at));
    }
  }
}

TEST_CASE("control and invalid bytes are refused at every offset") {
  for (const std::string& tail : kTails) {
    for (size_t at = 0; at < kLongest; ++at) {
      const size_t byte = kPrefix + at;
      CHECK(skimObject(bodyWith(at, "\x01", kLongest, tail)).error ==
            errorAt("Invalid encoding in string.", byte));
      CHECK(skimObject(bodyWith(at, "\x1f", kLongest, tail)).error ==
            errorAt("Invalid encoding in string.", byte));
      CHECK(skimObject(bodyWith(at, std::string(1, '\0'), kLongest, tail)).error ==
            errorAt("Missing a closing quotation mark in string.", byte));
      CHECK(skimObject(bodyWith(at, "\x7f", kLongest, tail)).ok);  // DEL is allowed in JSON
      for (const char* bad :
           {"\xff", "\x80", "\xc0\xaf", "\xc1\xbf", "\xe0\x80\xaf", "\xed\xa0\x80", "\xed\xbf\xbf",
            "\xf0\x80\x80\xaf", "\xf4\x90\x80\x80", "\xf5\x80\x80\x80", "\xe2\x82", "\xf0\x9f\x98"})
        CHECK_MESSAGE(skimObject(bodyWith(at, bad, kLongest, tail)).error ==
                          errorAt("Invalid encoding in string.", byte),
                      "offset ", at);
    }
  }
}

TEST_CASE("multi-byte UTF-8 straddling a block boundary is validated whole") {
  const char* good[] = {"\xc3\xa9",
                        "\xe2\x82\xac",
                        "\xf0\x9f\x98\x80",
                        "\xf4\x8f\xbf\xbf",
                        "\xed\x9f\xbf",
                        "\xee\x80\x80",
                        "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"};
  for (const std::string& tail : kTails) {
    for (size_t at = 0; at < kLongest; ++at) {
      for (const char* seq : good)
        CHECK_MESSAGE(skimObject(bodyWith(at, seq, kLongest, tail)).ok, "offset ", at);
      // A sequence cut short by the closing quote or by an ASCII byte.
      std::string cut = bodyWith(at, "\xf0\x9f\x98", at + 3, tail);
      CHECK(skimObject(cut).error == errorAt("Invalid encoding in string.", kPrefix + at));
      CHECK(skimObject(bodyWith(at, "\xe2\x82x", kLongest, tail)).error ==
            errorAt("Invalid encoding in string.", kPrefix + at));
      // A valid sequence followed at once by an invalid one: the error is at the second.
      CHECK(skimObject(bodyWith(at, "\xc3\xa9\xff", kLongest, tail)).error ==
            errorAt("Invalid encoding in string.", kPrefix + at + 2));
    }
  }
}

TEST_CASE("a long run of non-ASCII text passes, and one bad byte anywhere in it is refused") {
  std::string run;
  for (int i = 0; i < 60; ++i) run += "\xe6\x97\xa5\xc3\xa9";  // 300 bytes, mixed widths
  CHECK(skimObject("{\"a\":\"" + run + "\"}").ok);
  for (size_t at = 0; at < run.size(); ++at) {
    std::string bad = run;
    bad[at] = '\xff';
    CHECK_FALSE(skimObject("{\"a\":\"" + bad + "\"}").ok);
  }
}
