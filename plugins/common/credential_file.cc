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

std::string stringMember(const rapidjson::Value& object, const char* name) {
  if (!object.IsObject()) return {};
  auto it = object.FindMember(name);
  if (it == object.MemberEnd() || !it->value.IsString()) return {};
  return std::string(it->value.GetString(), it->value.GetStringLength());
}

}  // namespace relay::plugin_common
