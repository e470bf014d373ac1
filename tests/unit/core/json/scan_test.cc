// lib/json_skim/scan.h on its own: what a handler is shown and the switches the core and the
// plugins set differently (UTF-8 validation, a NUL ending the text, the number check).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "json_skim/scan.h"

namespace relay::skim {
namespace {

template <bool kUtf8, bool kNul>
struct Recorder {
  static constexpr bool kValidateUtf8 = kUtf8;
  static constexpr bool kNulEndsText = kNul;
  std::vector<std::string> shown;
  std::vector<std::string> ended;
  std::vector<std::string> numbers;
  bool refuse_fractions = false;

  int rootScope() { return 0; }
  int member(int scope, const Value& key, const Value& value) {
    shown.push_back(std::to_string(scope) + ":" + std::string(key.text) + "=" +
                    std::to_string(static_cast<int>(value.kind)) + ":" + std::string(value.text));
    return key.text == "watch" ? scope + 1 : kIgnore;
  }
  void memberEnd(int scope, const Value& key, std::string_view text) {
    ended.push_back(std::to_string(scope) + ":" + std::string(key.text) + "=" + std::string(text));
  }
  bool number(std::string_view text, bool integral) {
    numbers.push_back(std::string(text) + (integral ? "" : "~"));
    return integral || !refuse_fractions;
  }
};

using Strict = Recorder<true, false>;
using Lenient = Recorder<false, true>;

TEST_CASE("members of watched objects are shown, nested ones in their own scope") {
  Strict h;
  std::string text =
      R"( {"a":1, "watch":{"b":"x","watch":{"c":[1,{"watch":{}}]}}, "d":{"e":2.5}} )";
  REQUIRE(scan(text, h).ok());
  CHECK(h.shown == std::vector<std::string>{"0:a=3:1", "0:watch=5:", "1:b=4:x",
                                            "1:watch=5:", "2:c=6:", "0:d=5:"});
  CHECK(h.ended ==
        std::vector<std::string>{
            "0:a=1", "1:b=\"x\"", "2:c=[1,{\"watch\":{}}]", "1:watch={\"c\":[1,{\"watch\":{}}]}",
            "0:watch={\"b\":\"x\",\"watch\":{\"c\":[1,{\"watch\":{}}]}}", "0:d={\"e\":2.5}"});
  // Every number reaches number(), watched or not.
  CHECK(h.numbers == std::vector<std::string>{"1", "1", "2.5~"});
}

TEST_CASE("a root that is not an object shows nothing") {
  Strict h;
  REQUIRE(scan(R"([{"watch":{"a":1}}])", h).ok());
  CHECK(h.shown.empty());
  CHECK(h.ended.empty());
}

TEST_CASE("the handler chooses UTF-8 validation and what a NUL after the value means") {
  std::string bad_utf8 = "{\"a\":\"\xc0\xaf\xff\"}";
  Strict strict;
  Outcome s = scan(bad_utf8, strict);
  CHECK(s.error == Error::kStringInvalidEncoding);
  CHECK(s.offset == 6);
  Lenient lenient;
  CHECK(scan(bad_utf8, lenient).ok());
  // Control bytes are refused either way, also past the 16- and 64-byte SSE2 steps.
  for (size_t at : {0, 15, 16, 63, 64, 100}) {
    std::string text = "{\"a\":\"" + std::string(at, 'x') + "\x01" + std::string(90, 'y') + "\"}";
    Strict st;
    Lenient le;
    CHECK(scan(text, st).error == Error::kStringInvalidEncoding);
    CHECK(scan(text, le).error == Error::kStringInvalidEncoding);
  }
  std::string nul_end("{\"a\":1}\0junk", 12);
  Strict st;
  CHECK(scan(nul_end, st).error == Error::kRootNotSingular);
  Lenient le;
  CHECK(scan(nul_end, le).ok());
}

TEST_CASE("number() may refuse a number; nesting stops at kMaxDepth") {
  Strict h;
  h.refuse_fractions = true;
  Outcome r = scan(R"({"a":[1,2.5]})", h);
  CHECK(r.error == Error::kNumberRejected);
  CHECK(r.offset == 8);
  std::string ok = std::string(kMaxDepth - 1, '[') + "{}" + std::string(kMaxDepth - 1, ']');
  Strict a;
  CHECK(scan(ok, a).ok());
  std::string deep = std::string(kMaxDepth, '[') + "{}" + std::string(kMaxDepth, ']');
  Strict b;
  CHECK(scan(deep, b).error == Error::kTooDeep);
  // Watched objects count toward the same limit.
  std::string watched = "{";
  for (int i = 1; i < kMaxDepth; ++i) watched += "\"watch\":{";
  watched += std::string(kMaxDepth, '}');
  Strict c;
  CHECK(scan(watched, c).ok());
  watched.insert(watched.size() - kMaxDepth, "\"watch\":{}");
  Strict d;
  CHECK(scan(watched, d).error == Error::kTooDeep);
}

}  // namespace
}  // namespace relay::skim
