// Reading fields out of skimmed JSON: members, elements and decoded strings.
#include "core/json/json_view.h"

#include <doctest/doctest.h>

#include <string>

#include "core/json/skim.h"

using namespace relay::json;

TEST_CASE("members of nested objects, skipping values of every kind") {
  std::string text =
      R"({"a":[1,[2,{"}":"]"}]],"b":{"c":"x\"}"},"d":-1.5e3,"e":true,"f":null,"g":"v"})";
  REQUIRE(skimObject(text).ok);
  JsonView root(text);
  CHECK(root.isObject());
  CHECK(root.member("g").stringCopy() == "v");
  CHECK(root.member("b").member("c").stringCopy() == "x\"}");
  CHECK(root.member("d").text() == "-1.5e3");
  CHECK(root.member("e").isTrue());
  CHECK(root.member("f").isNull());
  CHECK_FALSE(root.member("zz").present());
  CHECK_FALSE(root.member("g").member("x").present());  // a string has no members
}

TEST_CASE("array elements in order; firstElement of an empty array is absent") {
  JsonView arr(R"( [ "a" , {"t":"b"} , [1,2] , 3 ] )");
  ElementCursor cursor(arr);
  JsonView v;
  REQUIRE(cursor.next(&v));
  CHECK(v.stringCopy() == "a");
  REQUIRE(cursor.next(&v));
  CHECK(v.member("t").stringCopy() == "b");
  REQUIRE(cursor.next(&v));
  CHECK(v.text() == "[1,2]");
  REQUIRE(cursor.next(&v));
  CHECK(v.text() == "3");
  CHECK_FALSE(cursor.next(&v));
  CHECK_FALSE(JsonView("[]").firstElement().present());
  CHECK_FALSE(JsonView("[ ]").firstElement().present());
  CHECK_FALSE(JsonView(R"({"a":1})").firstElement().present());
}

TEST_CASE("strings decode their escapes; plain ones are views into the text") {
  std::string text = R"({"plain":"hello","esc":"a\nb\t\"q\" \\ \/ \u00e9\u20ac \ud83d\ude00"})";
  JsonView root(text);
  DecodedStrings keep;
  std::string_view plain = root.member("plain").string(keep);
  CHECK(plain == "hello");
  CHECK(keep.empty());
  CHECK(plain.data() >= text.data());
  CHECK(plain.data() < text.data() + text.size());
  CHECK(root.member("esc").string(keep) ==
        "a\nb\t\"q\" \\ / \xc3\xa9\xe2\x82\xac \xf0\x9f\x98\x80");
  CHECK(keep.size() == 1);
  CHECK(root.member("plain").isString());
  CHECK(JsonView("5").stringCopy().empty());
}

TEST_CASE("escaped keys match their decoded name") {
  JsonView root(R"({"\u0074ext":"t","te\\xt":"u"})");
  CHECK(root.member("text").stringCopy() == "t");
  CHECK(root.member("te\\xt").stringCopy() == "u");
  CHECK(keyEquals("mod\\u0065l", true, "model"));
  CHECK_FALSE(keyEquals("model", false, "mode"));
}

TEST_CASE("strings into the caller's memory: a view when unescaped, else decoded in place") {
  std::string text = R"({"plain":"vendor-model-large-20250929","esc":"a\"b\u00e9c","n":1})";
  JsonView root(text);
  std::string scratch(64, '?');
  const char* memory = scratch.data();
  std::string_view plain = root.member("plain").stringIn(scratch);
  CHECK(plain == "vendor-model-large-20250929");
  CHECK(plain.data() > text.data());  // a view into the text
  CHECK(plain.data() < text.data() + text.size());
  std::string_view esc = root.member("esc").stringIn(scratch);
  CHECK(esc ==
        "a\"b\xc3\xa9"
        "c");
  CHECK(esc.data() == memory);  // decoded into the scratch's memory
  CHECK(root.member("n").stringIn(scratch).empty());

  std::string out;
  out.reserve(64);
  const char* out_memory = out.data();
  root.member("plain").assignStringTo(out);
  CHECK(out == "vendor-model-large-20250929");
  root.member("esc").assignStringTo(out);
  CHECK(out ==
        "a\"b\xc3\xa9"
        "c");
  CHECK(out.data() == out_memory);  // assigned, not reallocated
  root.member("n").assignStringTo(out);
  CHECK(out.empty());
}
