#include "credential_file.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "bounded_json.h"

namespace relay::plugin_common {

std::string credentialFilePath(std::string_view path, std::string_view home_relative) {
  if (!path.empty()) return std::string(path);
  const char* home = std::getenv("HOME");
  return std::string(home ? home : ".") + "/" + std::string(home_relative);
}

bool readCredentialFile(const std::string& file, rapidjson::Document* doc, std::string* why) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    *why = "cannot read " + file;
    return false;
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (parseBoundedJson(text.str(), *doc) != JsonParse::kOk || !doc->IsObject()) {
    *why = file + " is not JSON";
    return false;
  }
  return true;
}

bool openTakeOver(const CliTakeOver& cli, std::string_view source, bool oauth, bool confirmed,
                  std::string_view path, std::string* file, rapidjson::Document* doc,
                  std::string* why) {
  if (source != cli.source) {
    *why = "the " + std::string(cli.plugin) + " plugin can take over --from-" +
           std::string(cli.source) + " only, not --from-" + std::string(source);
    return false;
  }
  if (!oauth) {
    *why = std::string(cli.api_kind) + " accounts use an api_key";
    return false;
  }
  if (!confirmed) {
    *why = std::string(cli.refusal);
    return false;
  }
  *file = credentialFilePath(path, cli.home_relative);
  return readCredentialFile(*file, doc, why);
}

std::string stringMember(const rapidjson::Value& object, const char* name) {
  if (!object.IsObject()) return {};
  auto it = object.FindMember(name);
  if (it == object.MemberEnd() || !it->value.IsString()) return {};
  return std::string(it->value.GetString(), it->value.GetStringLength());
}

int64_t unixMsMember(const rapidjson::Value& object, const char* name) {
  if (!object.IsObject()) return 0;
  auto it = object.FindMember(name);
  if (it == object.MemberEnd() || !it->value.IsNumber()) return 0;
  double ms = it->value.GetDouble();
  return ms > 0 && ms < 1e15 ? static_cast<int64_t>(ms) : 0;
}

}  // namespace relay::plugin_common
