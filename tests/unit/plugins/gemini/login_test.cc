// The Gemini login pieces (ABI 1.2 hooks): gemini-cli's installed-app client on Google's
// authorize URL with the manual-code redirect and PKCE S256, the form-encoded code exchange,
// the e-mail from the id_token, and taking over Gemini CLI's oauth_creds.json.
#include <doctest/doctest.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "fake_host.h"
#include "gemini_config.h"
#include "gemini_login.h"

using namespace relay::gemini;
using namespace claude_test;

namespace {

GeminiConfig parse(const std::string& json) {
  GeminiConfig config;
  relay::account_keys::KeyError error;
  REQUIRE_MESSAGE(parseGeminiConfig("gemini", json, &config, &error), error.message);
  return config;
}

// base64url without padding, for a test id_token.
std::string base64Url(const std::string& in) {
  static const char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  unsigned bits = 0;
  int count = 0;
  for (unsigned char c : in) {
    bits = (bits << 8) | c;
    count += 8;
    while (count >= 6) {
      count -= 6;
      out.push_back(kAlphabet[(bits >> count) & 63]);
    }
  }
  if (count > 0) out.push_back(kAlphabet[(bits << (6 - count)) & 63]);
  return out;
}

}  // namespace

TEST_CASE("a gemini account may have no token; authorize_url and redirect_uri default") {
  GeminiConfig c = parse(R"({"id":"g"})");
  CHECK(c.refresh_token.empty());
  CHECK(c.authorize_url == "https://accounts.google.com/o/oauth2/v2/auth");
  CHECK(c.redirect_uri == "https://codeassist.google.com/authcode");
  GeminiConfig custom = parse(
      R"({"id":"g","authorize_url":"http://a.test/auth/","redirect_uri":"http://r.test/cb"})");
  CHECK(custom.authorize_url == "http://a.test/auth");
  CHECK(custom.redirect_uri == "http://r.test/cb");
  GeminiConfig out;
  relay::account_keys::KeyError error;
  CHECK_FALSE(parseGeminiConfig("gemini", R"({"id":"g","refresh_token":""})", &out, &error));
  CHECK(error.key == "refresh_token");
}

TEST_CASE("the authorize URL carries gemini-cli's client, scopes, the redirect, PKCE and state") {
  std::string url = authorizeUrl(parse(R"({"id":"g"})"), "st+1", "chal_lenge-");
  CHECK(url ==
        "https://accounts.google.com/o/oauth2/v2/auth?client_id=681255809395-"
        "oo8ft2oprdrnp9e3aqf6av3hmdib135j.apps.googleusercontent.com&redirect_uri=https%3A%2F%"
        "2Fcodeassist.google.com%2Fauthcode&response_type=code&scope=https%3A%2F%2Fwww."
        "googleapis.com%2Fauth%2Fcloud-platform%20https%3A%2F%2Fwww.googleapis.com%2Fauth%"
        "2Fuserinfo.email%20https%3A%2F%2Fwww.googleapis.com%2Fauth%2Fuserinfo.profile&access_"
        "type=offline&prompt=consent&code_challenge=chal_lenge-&code_challenge_method=S256&"
        "state=st%2B1");
}

TEST_CASE("the code exchange is form-encoded with the verifier, client and redirect") {
  std::string body =
      exchangeRequestBody(parse(R"({"id":"g","client_secret":"s&x"})"), "4/0A b", "verif-ier");
  CHECK(body.rfind("grant_type=authorization_code&code=4%2F0A%20b&code_verifier=verif-ier&", 0) ==
        0);
  CHECK(body.find("&client_secret=s%26x&") != std::string::npos);
  CHECK(body.ends_with("&redirect_uri=https%3A%2F%2Fcodeassist.google.com%2Fauthcode"));
}

TEST_CASE("the e-mail comes from the id_token payload when there is one") {
  std::string payload = base64Url(R"({"iss":"https://accounts.google.com","email":"a@b.test"})");
  CHECK(emailOf(R"({"access_token":"x","id_token":"h.)" + payload + R"(.sig"})") == "a@b.test");
  CHECK(emailOf(R"({"access_token":"x"})").empty());
  CHECK(emailOf(R"({"id_token":"not-a-jwt"})").empty());
}

TEST_CASE("taking over Gemini CLI's login needs --take-over, then stores its tokens") {
  fake().reset();
  std::string path = "/tmp/relay-gemini-login-test-creds.json";
  {
    std::ofstream out(path);
    out << R"({"access_token":"ya29.cli","refresh_token":"1//cli","scope":"x",)"
        << R"("token_type":"Bearer","expiry_date":1700000900000})";
  }
  auto* account = newAccount("gemini", R"({"id":"g"})");
  REQUIRE(account);
  CHECK(plugin().login_import(account, slice("gemini-cli"), slice(path), 0) == RELAY_OK);
  CHECK(fake().store.empty());
  CHECK(plugin().login_import(account, slice("claude-code"), slice(path), 1) == RELAY_OK);
  CHECK(fake().store.empty());
  CHECK(plugin().login_import(account, slice("gemini-cli"), slice(path), 1) == RELAY_OK);
  CHECK(fake().store["refresh_token"] == "1//cli");
  CHECK(fake().store["access_token"] == "ya29.cli");
  CHECK(fake().store["expires_at_ms"] == "1700000900000");
  CHECK(fake().store["project_id"].empty());
  plugin().account_free(account);

  // A new account (a restart) uses the stored login; the refresh sends its refresh token.
  fake().http.clear();
  account = newAccount("gemini", R"({"id":"g","project_id":"p"})");
  fake().now_ms = 1700000900000;  // the access token has expired
  plugin().refresh(account, 0);
  REQUIRE(fake().http.size() == 1);
  CHECK(fake().http[0].body.find("refresh_token=1%2F%2Fcli") != std::string::npos);
  plugin().account_free(account);
  std::remove(path.c_str());
}
