// Reading a provider CLI's own credential file for a take-over (`relay-server login --from-<cli>`):
// the path (the CLI's default under $HOME when none is given) and its JSON, read under the same
// guards as any other input.
#ifndef RELAY_PLUGINS_COMMON_CREDENTIAL_FILE_H
#define RELAY_PLUGINS_COMMON_CREDENTIAL_FILE_H

#include <rapidjson/document.h>

#include <string>
#include <string_view>

namespace relay::plugin_common {

// path, or $HOME/home_relative when path is empty.
std::string credentialFilePath(std::string_view path, std::string_view home_relative);
// Reads file into doc (a JSON object); false with *why ("cannot read …", "… is not JSON").
bool readCredentialFile(const std::string& file, rapidjson::Document* doc, std::string* why);
// object[name] when it is a string, else "".
std::string stringMember(const rapidjson::Value& object, const char* name);

}  // namespace relay::plugin_common

#endif
