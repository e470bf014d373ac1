// The Claude login pieces (ABI 1.2): the authorize URL, the code exchange body, the identity
// line, and the account keys login adds.
#include <doctest/doctest.h>
#include <rapidjson/document.h>

#include "claude_config.h"
#include "claude_login.h"

using namespace relay::claude;

namespace {

ClaudeConfig parse(const std::string& json) {
  ClaudeConfig config;
  relay::account_keys::KeyError error;
  REQUIRE_MESSAGE(parseClaudeConfig("claude-oauth", json, &config, &error), error.message);
  return config;
}

}  // namespace

TEST_CASE("a claude-oauth account may have no token; authorize_url and redirect_uri default") {
  ClaudeConfig c = parse(R"({"id":"x"})");
  CHECK(c.refresh_token.empty());
  CHECK(c.authorize_url == "https://claude.ai/oauth/authorize");
  CHECK(c.redirect_uri == "https://platform.claude.com/oauth/code/callback");
  ClaudeConfig custom = parse(
      R"({"id":"x","authorize_url":"https://a.test/authorize/","redirect_uri":"https://r.test/cb"})");
  CHECK(custom.authorize_url == "https://a.test/authorize");
  CHECK(custom.redirect_uri == "https://r.test/cb");
}

TEST_CASE("the authorize URL carries Claude Code's client, scopes, PKCE S256 and the state") {
  ClaudeConfig c = parse(R"({"id":"x"})");
  std::string url = authorizeUrl(c, "st+1", "chal_lenge-");
  CHECK(url ==
        "https://claude.ai/oauth/authorize?code=true&client_id=9d1c250a-e61b-44d9-88ed-"
        "5944d1962f5e&response_type=code&redirect_uri=https%3A%2F%2Fplatform.claude.com%2Foauth%"
        "2Fcode%2Fcallback&scope=org%3Acreate_api_key%20user%3Aprofile%20user%3Ainference%"
        "20user%3Asessions%3Aclaude_code%20user%3Amcp_servers%20user%3Afile_upload&code_"
        "challenge=chal_lenge-&code_challenge_method=S256&state=st%2B1");
}

TEST_CASE("the exchange is the JSON authorization_code grant with the verifier") {
  ClaudeConfig c = parse(R"({"id":"x","client_id":"cid"})");
  rapidjson::Document doc;
  doc.Parse(exchangeRequestBody(c, "the-code", "the-state", "the-verifier").c_str());
  REQUIRE(doc.IsObject());
  CHECK(doc.MemberCount() == 6);
  CHECK(std::string(doc["grant_type"].GetString()) == "authorization_code");
  CHECK(std::string(doc["code"].GetString()) == "the-code");
  CHECK(std::string(doc["state"].GetString()) == "the-state");
  CHECK(std::string(doc["client_id"].GetString()) == "cid");
  CHECK(std::string(doc["redirect_uri"].GetString()) ==
        "https://platform.claude.com/oauth/code/callback");
  CHECK(std::string(doc["code_verifier"].GetString()) == "the-verifier");
}

TEST_CASE("the identity line names the e-mail address and the organization when present") {
  CHECK(identityOf(R"({"access_token":"a","account":{"email_address":"a@b.c"},)"
                   R"("organization":{"name":"Org"}})") == "a@b.c, Org");
  CHECK(identityOf(R"({"access_token":"a","account":{"email_address":"a@b.c"}})") == "a@b.c");
  CHECK(identityOf(R"({"access_token":"a","organization":{"name":"Org"}})") == "Org");
  CHECK(identityOf(R"({"access_token":"a"})") == "");
  CHECK(identityOf("not json") == "");
}
