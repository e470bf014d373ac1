// `relay-server login --config FILE ACCOUNT_ID [--from-<cli> [PATH] [--take-over]]`: gets an
// account's OAuth tokens into the credential store the relay loads from. The provider's parts
// (authorize URL, token exchange, credential files) are the plugin's ABI 1.2 login hooks; this
// side makes the PKCE pair and the state, reads the pasted code, checks the state, and waits
// until the plugin's tokens are committed (sealed by SecretBox).
#pragma once

#include <iosfwd>
#include <string>

#include "core/config/config.h"

namespace relay {

struct LoginOptions {
  std::string account_id;
  std::string import_source;  // the CLI named by --from-<cli>; empty = interactive login
  std::string import_path;    // empty = the CLI's default file
  bool take_over = false;
};

// Exit code: 0 logged in (one line on out naming the account and who logged in), 1 otherwise
// (the reason on err). Reads one line from in (interactive login only).
int runLoginCommand(Config config, const LoginOptions& options, std::istream& in, std::ostream& out,
                    std::ostream& err);

}  // namespace relay
