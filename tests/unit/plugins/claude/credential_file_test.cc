// plugins/common/credential_file (compiled into each plugin; tested here, in the Claude tests):
// the take-over preamble every plugin's login --from-<cli> runs, and the Unix-ms member reader.
#include <doctest/doctest.h>
#include <rapidjson/document.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "credential_file.h"

using relay::plugin_common::CliTakeOver;
using relay::plugin_common::openTakeOver;
using relay::plugin_common::unixMsMember;

namespace {

constexpr CliTakeOver kCli = {"p", "p-cli", ".p-cli/creds.json", "p-api",
                              "not without --take-over: reasons"};

struct TakeOver {
  bool ok = false;
  std::string file, why;
  rapidjson::Document doc;
};

TakeOver run(std::string_view source, bool oauth, bool confirmed, std::string_view path) {
  TakeOver t;
  t.ok = openTakeOver(kCli, source, oauth, confirmed, path, &t.file, &t.doc, &t.why);
  return t;
}

std::string tempDir() {
  char dir[] = "/tmp/relay-credential-file-XXXXXX";
  REQUIRE(mkdtemp(dir) != nullptr);
  return dir;
}

}  // namespace

TEST_CASE("the take-over preamble refuses another source, an api_key account, no --take-over") {
  TakeOver other = run("q-cli", true, true, "/nonexistent");
  CHECK_FALSE(other.ok);
  CHECK(other.why == "the p plugin can take over --from-p-cli only, not --from-q-cli");

  TakeOver api = run("p-cli", false, true, "/nonexistent");
  CHECK_FALSE(api.ok);
  CHECK(api.why == "p-api accounts use an api_key");

  TakeOver unconfirmed = run("p-cli", true, false, "/nonexistent");
  CHECK_FALSE(unconfirmed.ok);
  CHECK(unconfirmed.why == "not without --take-over: reasons");
  CHECK(unconfirmed.file.empty());  // the file is not even looked at

  TakeOver missing = run("p-cli", true, true, "/nonexistent/creds.json");
  CHECK_FALSE(missing.ok);
  CHECK(missing.why == "cannot read /nonexistent/creds.json");
}

TEST_CASE("the take-over reads the named file, or the CLI's default under $HOME") {
  std::string home = tempDir();
  std::string named = home + "/named.json";
  std::ofstream(named) << R"({"token":"a"})";
  TakeOver t = run("p-cli", true, true, named);
  REQUIRE(t.ok);
  CHECK(t.file == named);
  CHECK(t.doc["token"] == "a");

  std::ofstream(named) << "not json";
  TakeOver bad = run("p-cli", true, true, named);
  CHECK_FALSE(bad.ok);
  CHECK(bad.why == named + " is not JSON");

  std::string saved = std::getenv("HOME") ? std::getenv("HOME") : "";
  REQUIRE(mkdir((home + "/.p-cli").c_str(), 0700) == 0);
  std::ofstream(home + "/.p-cli/creds.json") << R"({"token":"b"})";
  setenv("HOME", home.c_str(), 1);
  TakeOver d = run("p-cli", true, true, "");
  setenv("HOME", saved.c_str(), 1);
  REQUIRE(d.ok);
  CHECK(d.file == home + "/.p-cli/creds.json");
  CHECK(d.doc["token"] == "b");

  std::remove((home + "/.p-cli/creds.json").c_str());
  rmdir((home + "/.p-cli").c_str());
  std::remove(named.c_str());
  rmdir(home.c_str());
}

TEST_CASE("a Unix-ms member is a positive number below 1e15, else 0") {
  rapidjson::Document doc;
  doc.Parse(R"({"ms":1700000900000,"neg":-5,"huge":1e16,"text":"1700000900000","zero":0})");
  CHECK(unixMsMember(doc, "ms") == 1700000900000);
  CHECK(unixMsMember(doc, "neg") == 0);
  CHECK(unixMsMember(doc, "huge") == 0);
  CHECK(unixMsMember(doc, "text") == 0);
  CHECK(unixMsMember(doc, "zero") == 0);
  CHECK(unixMsMember(doc, "absent") == 0);
  CHECK(unixMsMember(doc["ms"], "ms") == 0);  // not an object
}
