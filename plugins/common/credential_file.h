// Reading a provider CLI's own credential file for a take-over (`relay-server login --from-<cli>`):
// the checks every plugin makes first, the path (the CLI's default under $HOME when none is given)
// and its JSON, read under the same guards as any other input.
#ifndef RELAY_PLUGINS_COMMON_CREDENTIAL_FILE_H
#define RELAY_PLUGINS_COMMON_CREDENTIAL_FILE_H

#include <rapidjson/document.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace relay::plugin_common {

// path, or $HOME/home_relative when path is empty.
std::string credentialFilePath(std::string_view path, std::string_view home_relative);
// Reads file into doc (a JSON object); false with *why ("cannot read …", "… is not JSON").
bool readCredentialFile(const std::string& file, rapidjson::Document* doc, std::string* why);
// What a plugin can take over: constants of the plugin.
struct CliTakeOver {
  std::string_view plugin;         // "<plugin>" in messages
  std::string_view source;         // the CLI, as in --from-<source>
  std::string_view home_relative;  // the CLI's file under $HOME
  std::string_view api_kind;       // the account kind that uses an api_key instead
  std::string_view refusal;        // why not without --take-over (what it costs the CLI)
};

// The take-over preamble: refuses another source, an api_key account (oauth false) and a missing
// --take-over (confirmed false), then reads the file (path, or the CLI's default). True with
// *file and *doc; false with *why, the sentence for login_done.
bool openTakeOver(const CliTakeOver& cli, std::string_view source, bool oauth, bool confirmed,
                  std::string_view path, std::string* file, rapidjson::Document* doc,
                  std::string* why);
// object[name] when it is a string, else "".
std::string stringMember(const rapidjson::Value& object, const char* name);
// object[name] when it is a plausible Unix-milliseconds number (0 < n < 1e15), else 0.
int64_t unixMsMember(const rapidjson::Value& object, const char* name);

}  // namespace relay::plugin_common

#endif
