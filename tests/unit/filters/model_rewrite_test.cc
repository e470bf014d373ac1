// model_map's body rewrite: only the top-level "model" string changes.
#include <doctest/doctest.h>

#include "filters/upstream/model_rewrite.h"

using relay::rewriteTopLevelModel;

TEST_CASE("the top-level model string is replaced, every other byte kept") {
  std::string body = R"({"messages":[{"role":"user","content":"model \"x\""}],)"
                     R"( "model" : "alias", "metadata":{"model":"inner"},"stream":true})";
  auto out = rewriteTopLevelModel(body, "claude-haiku-4-5");
  REQUIRE(out.has_value());
  CHECK(*out == R"({"messages":[{"role":"user","content":"model \"x\""}],)"
                R"( "model" : "claude-haiku-4-5", "metadata":{"model":"inner"},"stream":true})");
}

TEST_CASE("the new name is escaped as a JSON string") {
  auto out = rewriteTopLevelModel(R"({"model":"a"})", "we\"ird\\");
  REQUIRE(out.has_value());
  CHECK(*out == R"({"model":"we\"ird\\"})");
}

TEST_CASE("without a top-level string model nothing is rewritten") {
  CHECK_FALSE(rewriteTopLevelModel(R"({"metadata":{"model":"inner"}})", "m").has_value());
  CHECK_FALSE(rewriteTopLevelModel(R"({"model":42})", "m").has_value());
  CHECK_FALSE(rewriteTopLevelModel(R"([{"model":"a"}])", "m").has_value());
  CHECK_FALSE(rewriteTopLevelModel(R"({"model":"unterminated)", "m").has_value());
  CHECK_FALSE(rewriteTopLevelModel("", "m").has_value());
  CHECK_FALSE(rewriteTopLevelModel("{}", "m").has_value());
}

TEST_CASE("keys after nested values and numbers are still found") {
  auto out = rewriteTopLevelModel(R"({"a":[1,{"b":"]}"}],"n":-1.5e3,"t":true,"model":"x"})", "y");
  REQUIRE(out.has_value());
  CHECK(*out == R"({"a":[1,{"b":"]}"}],"n":-1.5e3,"t":true,"model":"y"})");
}
