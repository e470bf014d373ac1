// The one validating pass over a request body: what it accepts, what it refuses and with which
// sentence, and the root members it hands to later filters.
#include "core/json/skim.h"

#include <doctest/doctest.h>

#include <string>

#include "core/json/json_view.h"

using namespace relay::json;

namespace {

// An object holding `arrays` nested arrays: nesting depth arrays + 1.
std::string nested(int arrays) {
  return R"({"model":"m","x":)" + std::string(static_cast<size_t>(arrays), '[') +
         std::string(static_cast<size_t>(arrays), ']') + "}";
}

std::string modelOf(const ObjectSkim& s) {
  return JsonView(s.member("model")).stringCopy();
}

}  // namespace

TEST_CASE("a body of 200 KB of '[' is refused as too deep, not recursed into") {
  ObjectSkim s = skimObject(std::string(200 * 1024, '['));
  CHECK_FALSE(s.ok);
  CHECK(s.error == "JSON nesting deeper than 128 levels");
  CHECK(s.members.empty());
}

TEST_CASE("nesting of exactly 128 levels passes; 129 is refused") {
  std::string deepest = nested(127);  // the skim's views point into it
  ObjectSkim at_limit = skimObject(deepest);
  CHECK(at_limit.ok);
  CHECK(modelOf(at_limit) == "m");
  ObjectSkim over = skimObject(nested(128));
  CHECK_FALSE(over.ok);
  CHECK(over.error == "JSON nesting deeper than 128 levels");
  CHECK_FALSE(skimObject(R"({"a":)" + std::string(129, '{')).ok);
  // Objects count as arrays do.
  std::string objects = "{";
  for (int i = 0; i < 127; ++i) objects += R"("k":{)";
  objects += std::string(128, '}');
  CHECK(skimObject(objects).ok);
}

TEST_CASE("numbers are checked as text and never converted (CVE-2024-38517)") {
  ObjectSkim s =
      skimObject(R"({"model":"m","max_tokens":0.000000000001e-2147483639,"stream":true})");
  CHECK(s.ok);
  CHECK(modelOf(s) == "m");
  CHECK(JsonView(s.member("stream")).isTrue());
  CHECK(skimObject(R"({"model":"m","t":1e-99999999999999999999})").ok);
  CHECK(skimObject(R"({"model":"m","t":-1E+99999999999999999999})").ok);
  CHECK(skimObject(R"({"t":123456789012345678901234567890123456789012345678901234567890})").ok);
  CHECK(JsonView(s.member("max_tokens")).text() == "0.000000000001e-2147483639");
}

TEST_CASE("malformed numbers are still malformed JSON") {
  ObjectSkim missing_exponent = skimObject(R"({"model":"m","t":1e})");
  CHECK_FALSE(missing_exponent.ok);
  CHECK(missing_exponent.error.find("malformed JSON body: Miss exponent in number.") == 0);
  CHECK_FALSE(skimObject(R"({"model":"m","t":01})").ok);
  CHECK_FALSE(skimObject(R"({"t":1.})").ok);
  CHECK_FALSE(skimObject(R"({"t":-})").ok);
  CHECK_FALSE(skimObject(R"({"t":+1})").ok);
  CHECK_FALSE(skimObject(R"({"t":.5})").ok);
  CHECK(skimObject(R"({"t":-0.5E+3,"u":0,"v":-0,"w":10e-2})").ok);
}

TEST_CASE("a number where a string is expected is not taken as the model") {
  ObjectSkim s = skimObject(R"({"model":5,"stream":true})");
  CHECK(s.ok);
  CHECK(modelOf(s).empty());
  CHECK(JsonView(s.member("stream")).isTrue());
}

TEST_CASE("invalid UTF-8 inside a string is refused with RapidJSON's sentence") {
  std::string body = "{\"model\":\"m\",\"messages\":[{\"content\":\"\xc3\x28\xff\"}]}";
  ObjectSkim s = skimObject(body);
  CHECK_FALSE(s.ok);
  CHECK(s.error == "malformed JSON body: Invalid encoding in string. (at byte 37)");
  CHECK_FALSE(skimObject("{\"a\":\"\xc0\xaf\"}").ok);          // overlong '/'
  CHECK_FALSE(skimObject("{\"a\":\"\xed\xa0\x80\"}").ok);      // a UTF-16 surrogate
  CHECK_FALSE(skimObject("{\"a\":\"\xf4\x90\x80\x80\"}").ok);  // above U+10FFFF
  CHECK_FALSE(skimObject("{\"a\":\"\xe2\x82\"}").ok);          // cut short
  CHECK_FALSE(skimObject("{\"a\":\"tab\there\"}").ok);         // raw control character
  CHECK(skimObject("{\"a\":\"h\xc3\xa9llo \xe2\x82\xac \xf0\x9f\x98\x80\"}").ok);
  // Long ASCII runs take the 16-byte path; a bad byte deep inside one is still found.
  std::string long_text(1000, 'x');
  CHECK(skimObject("{\"a\":\"" + long_text + "\"}").ok);
  long_text[777] = '\xff';
  CHECK_FALSE(skimObject("{\"a\":\"" + long_text + "\"}").ok);
}

TEST_CASE("escapes: valid ones pass, broken ones are refused") {
  CHECK(skimObject(R"({"a":"\" \\ \/ \b \f \n \r \t \u00e9 \ud83d\ude00"})").ok);
  CHECK_FALSE(skimObject(R"({"a":"\x"})").ok);
  CHECK_FALSE(skimObject(R"({"a":"\u12"})").ok);
  CHECK_FALSE(skimObject(R"({"a":"\ud83d"})").ok);        // high surrogate alone
  CHECK_FALSE(skimObject(R"({"a":"\ud83d\u0041"})").ok);  // not followed by a low one
  CHECK(skimObject(R"({"a":"\udc00"})").ok);              // a lone low one, as RapidJSON
}

TEST_CASE("structure errors, and what is not an object") {
  CHECK(skimObject("").error == "malformed JSON body: The document is empty. (at byte 0)");
  CHECK(skimObject("  ").error == "malformed JSON body: The document is empty. (at byte 2)");
  CHECK(skimObject("[1,2]").error == "request body must be a JSON object");
  CHECK(skimObject("\"s\"").error == "request body must be a JSON object");
  CHECK(skimObject("{} {}").error.find("The document root must not be followed") !=
        std::string::npos);
  CHECK_FALSE(skimObject(R"({"a":1,})").ok);
  CHECK_FALSE(skimObject(R"({"a" 1})").ok);
  CHECK_FALSE(skimObject(R"({"a":[1 2] 3})").ok);
  CHECK_FALSE(skimObject(R"({"a":tru})").ok);
  CHECK_FALSE(skimObject(R"({"a":nul)").ok);
  CHECK_FALSE(skimObject(R"({"a":"unterminated)").ok);
  CHECK_FALSE(skimObject(R"({"a":[}])").ok);  // skipped unchecked to '}': then ']' is refused
  CHECK_FALSE(skimObject(std::string("{\"a\":\"x\0y\"}", 11)).ok);
  CHECK(skimObject(" \n{ \"a\" : [ 1 , { } , [ ] , null , true , false ] } \t").ok);
}

TEST_CASE("root members: every key, in order, values as their JSON text") {
  ObjectSkim s =
      skimObject(R"( { "model" : "m" , "n":[1,{"model":"inner"}], "o":{"p":"q"}, "z":null } )");
  REQUIRE(s.ok);
  REQUIRE(s.members.size() == 4);
  CHECK(s.members[0].key == "model");
  CHECK(s.members[0].value == "\"m\"");
  CHECK(s.members[1].value == R"([1,{"model":"inner"}])");
  CHECK(s.members[2].value == R"({"p":"q"})");
  CHECK(s.members[3].value == "null");
  CHECK(s.member("absent").empty());
  CHECK(s.describes(s.text_data ? std::string_view(s.text_data, s.text_size) : ""));
}

TEST_CASE("fields are found wherever they sit, and nested namesakes are not taken") {
  CHECK(modelOf(skimObject(R"({"messages":[{"model":"no"}],"model":"yes"})")) == "yes");
  CHECK(modelOf(skimObject(R"({"x":{"model":"no"}})")).empty());
  CHECK(modelOf(skimObject(R"({"a":"}","b":"\"model\":","model":"last"})")) == "last");
}

TEST_CASE("escaped keys are compared decoded") {
  ObjectSkim s = skimObject(R"({"mod\u0065l":"m1","str\u0065am":true})");
  REQUIRE(s.ok);
  CHECK(s.members[0].key_escaped);
  CHECK(modelOf(s) == "m1");
  CHECK(JsonView(s.member("stream")).isTrue());
}

TEST_CASE("a skim describes only the text it was made from") {
  std::string body = R"({"model":"m"})";
  ObjectSkim s = skimObject(body);
  CHECK(s.describes(body));
  std::string copy = body;
  CHECK_FALSE(s.describes(copy));
  CHECK_FALSE(skimObject("[").describes("["));
}
