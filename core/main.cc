// relay-server: command line entry point.
#include <unistd.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include <cstdio>
#include <cstring>
#include <iostream>
#include <optional>
#include <string>

#include "core/accounts/accounts_command.h"
#include "core/config/listen_address.h"
#include "core/login/login_command.h"
#include "core/obs/log.h"
#include "core/server.h"
#include "core/server_descriptors.h"
#include "relay_build_config.h"

namespace {

// With one worker, every thread allocates from glibc's main arena. A thread arena grows its heap
// page by page with an mprotect each time a new high-water mark is reached (glibc's grow_heap
// has no top pad), about two per new event stream while streams ramp up; the main arena grows
// by brk 128 KiB (M_TOP_PAD) at a time. Measured with 600 streams opened at 500/s: 1,608
// mprotect calls -> none (46 brk), idle RSS unchanged. Several workers keep an arena each, so
// that they never wait for one another's malloc lock. Must run before any thread starts.
void chooseMallocArenas(int workers) {
#ifdef __GLIBC__
  if (workers == 1) mallopt(M_ARENA_MAX, 1);
#else
  (void)workers;
#endif
}

constexpr const char* kUsage =
    "usage: relay-server [--config FILE] [--listen HOST:PORT] [--check-config [FILE]]\n"
    "       relay-server accounts [--config FILE]   print every account's state\n"
    "       relay-server login [--config FILE] ACCOUNT_ID   sign an OAuth account in: prints\n"
    "                      the authorize URL, reads the code pasted back on standard input\n"
    "       relay-server login [--config FILE] ACCOUNT_ID --from-<cli> [PATH] [--take-over]\n"
    "                      take over the login in a provider CLI's credential file\n"
    "       relay-server --version | --help\n"
    "\n"
    "  -c, --config FILE   configuration file, YAML (.yaml, .yml) or TOML (.toml)\n"
    "                      (default: config.yaml)\n"
    "      --listen HOST:PORT  listen here instead of server.host and server.port;\n"
    "                      port 0 picks a free port and logs it\n"
    "      --check-config [FILE]  validate the configuration, print a summary, exit 0 or 1\n"
    "      --reset-secrets  drop the stored (encrypted) credentials and start from the\n"
    "                      configuration's tokens, e.g. after losing the encryption key\n"
    "  -v, --version       print the version\n"
    "  -h, --help          this text\n";

struct Options {
  std::string config = "config.yaml";
  bool check_only = false;
  bool accounts = false;  // `relay-server accounts --config FILE`
  bool login = false;     // `relay-server login --config FILE ACCOUNT_ID ...`
  relay::LoginOptions login_options;
  bool reset_secrets = false;
  std::optional<relay::ListenAddress> listen;
};

// Returns -1 to continue, or an exit code.
int parseArgs(int argc, char** argv, Options* o) {
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "-h" || a == "--help") {
      std::fputs(kUsage, stdout);
      return 0;
    }
    if (a == "-v" || a == "--version") {
      std::printf("relay-server %s\n", RELAY_VERSION);
      return 0;
    }
    if (a == "accounts" && i == 1) {
      o->accounts = true;
    } else if (a == "login" && i == 1) {
      o->login = true;
    } else if (o->login && a.starts_with("--from-") && a.size() > 7) {
      o->login_options.import_source = a.substr(7);
      if (i + 1 < argc && argv[i + 1][0] != '-') o->login_options.import_path = argv[++i];
    } else if (o->login && a == "--take-over") {
      o->login_options.take_over = true;
    } else if (o->login && !a.starts_with("-") && o->login_options.account_id.empty()) {
      o->login_options.account_id = a;
    } else if (a == "--check-config") {
      o->check_only = true;
      if (i + 1 < argc && argv[i + 1][0] != '-') o->config = argv[++i];  // --check-config FILE
    } else if (a == "--reset-secrets") {
      o->reset_secrets = true;
    } else if (a == "-c" || a == "--config") {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "relay-server: %s needs a FILE\n\n%s", a.c_str(), kUsage);
        return 2;
      }
      o->config = argv[++i];
    } else if (a.starts_with("--config=")) {
      o->config = a.substr(9);
    } else if (a == "--listen" || a.starts_with("--listen=")) {
      std::string value = a == "--listen" ? (i + 1 < argc ? argv[++i] : "") : a.substr(9);
      std::string error;
      o->listen = relay::parseListenAddress(value, &error);
      if (!o->listen) {
        std::fprintf(stderr, "relay-server: --listen: %s\n", error.c_str());
        return 2;
      }
    } else {
      std::fprintf(stderr, "relay-server: unknown argument '%s'\n\n%s", a.c_str(), kUsage);
      return 2;
    }
  }
  if (o->login && o->login_options.account_id.empty()) {
    std::fprintf(stderr, "relay-server: login needs an ACCOUNT_ID\n\n%s", kUsage);
    return 2;
  }
  return -1;
}

}  // namespace

int main(int argc, char** argv) {
  Options opts;
  if (int rc = parseArgs(argc, argv, &opts); rc >= 0) return rc;

  relay::ConfigResult loaded = relay::loadConfigFile(opts.config);
  for (const std::string& w : loaded.warnings)
    std::fprintf(stderr, "relay-server: configuration warning:\n  %s\n", w.c_str());
  if (!loaded.config) {
    std::fprintf(stderr, "relay-server: configuration error:\n  %s\n", loaded.error.c_str());
    return 1;
  }
  if (opts.listen) {
    loaded.config->server.host = opts.listen->host;
    loaded.config->server.port = opts.listen->port;
  }
  if (opts.login) {
    int rc = relay::runLoginCommand(std::move(*loaded.config), opts.login_options, std::cin,
                                    std::cout, std::cerr);
    relay::flushLogs();
    return rc;
  }
  if (opts.accounts) return relay::runAccountsCommand(*loaded.config, std::cout, std::cerr);
  chooseMallocArenas(loaded.config->server.workers);
  // Before the first log line: it starts the log writer's thread (see server_descriptors.h).
  std::optional<relay::ServerDescriptors> descriptors;
  if (!opts.check_only) descriptors = relay::prepareServerDescriptors(loaded.config->server);
  std::string error;
  auto ctx = relay::buildServerContext(std::move(*loaded.config), &error);
  if (!ctx) {
    std::fprintf(stderr, "relay-server: configuration error:\n  %s\n", error.c_str());
    return 1;
  }
  if (opts.check_only) {
    std::fputs(relay::describeServer(*ctx).c_str(), stdout);
    return 0;
  }
  ctx->reset_secrets = opts.reset_secrets;
  ctx->descriptors = descriptors;
  relay::setLogLevel(
      relay::parseLogLevel(ctx->config.server.log_level).value_or(relay::LogLevel::kInfo));
  int rc = relay::runServer(*ctx);
  relay::flushLogs();
  return rc;
}
