// The route filter's skim of a JSON body: hostile nesting and numbers.
#include <doctest/doctest.h>

#include <string>

#include "filters/route/request_peek.h"

using namespace relay;

namespace {

// An object holding `arrays` nested arrays: nesting depth arrays + 1.
std::string nested(int arrays) {
  return R"({"model":"m","x":)" + std::string(static_cast<size_t>(arrays), '[') +
         std::string(static_cast<size_t>(arrays), ']') + "}";
}

}  // namespace

TEST_CASE("a body of 200 KB of '[' is refused as too deep, not recursed into") {
  RequestPeek peek = peekJsonBody(std::string(200 * 1024, '['));
  CHECK_FALSE(peek.ok);
  CHECK(peek.error == "JSON nesting deeper than 128 levels");
}

TEST_CASE("nesting of exactly 128 levels passes; 129 is refused") {
  RequestPeek at_limit = peekJsonBody(nested(127));
  CHECK(at_limit.ok);
  CHECK(at_limit.model == "m");
  RequestPeek over = peekJsonBody(nested(128));
  CHECK_FALSE(over.ok);
  CHECK(over.error == "JSON nesting deeper than 128 levels");
  CHECK_FALSE(peekJsonBody(R"({"a":)" + std::string(129, '{')).ok);
}

TEST_CASE("huge exponents are skimmed as text (CVE-2024-38517 needs the conversion)") {
  RequestPeek peek =
      peekJsonBody(R"({"model":"m","max_tokens":0.000000000001e-2147483639,"stream":true})");
  CHECK(peek.ok);
  CHECK(peek.model == "m");
  CHECK(peek.stream);
  CHECK(peekJsonBody(R"({"model":"m","t":1e-99999999999999999999})").ok);
  RequestPeek too_big = peekJsonBody(R"({"model":"m","t":-1E+99999999999999999999})");
  CHECK_FALSE(too_big.ok);  // RapidJSON refuses exponents past double range while scanning
  CHECK(too_big.error.find("Number too big") != std::string::npos);
}

TEST_CASE("a number where a string is expected is not taken as the model") {
  RequestPeek peek = peekJsonBody(R"({"model":5,"stream":true})");
  CHECK(peek.ok);
  CHECK(peek.model.empty());
  CHECK(peek.stream);
}

TEST_CASE("malformed numbers are still malformed JSON") {
  CHECK_FALSE(peekJsonBody(R"({"model":"m","t":1e})").ok);
  CHECK_FALSE(peekJsonBody(R"({"model":"m","t":01})").ok);
}
