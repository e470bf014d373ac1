#include "core/login/login_command.h"

#include <uv.h>

#include <functional>
#include <iostream>
#include <optional>

#include "core/login/pasted_code.h"
#include "core/login/pkce.h"
#include "core/net/upstream/upstream_client.h"
#include "core/plugin/host_handles.h"
#include "core/provider/provider_account.h"
#include "core/server.h"
#include "core/store/loop_mailbox.h"

namespace relay {

namespace {

constexpr uint64_t kLoginTimeoutMs = 120 * 1000;  // beyond the token call's own timeouts

relay_slice_t slice(std::string_view s) {
  return relay_slice_t{s.data(), s.size()};
}

struct LoginResult {
  int32_t outcome = RELAY_LOGIN_FAILED;
  std::string identity;
  std::string reason;
  bool stored = false;
};

std::string describeFailure(const std::string& id, const LoginResult& r) {
  std::string why = r.reason.empty() ? "no reason given" : r.reason;
  switch (r.outcome) {
    case RELAY_LOGIN_REJECTED:
      return "login of account " + id +
             " failed: the provider refused the code (expired, already used, or from another "
             "login; run login again): " +
             why;
    case RELAY_LOGIN_NETWORK:
      return "login of account " + id +
             " failed: the token endpoint could not be reached (network or proxy): " + why;
    default:
      return "login of account " + id + " failed: " + why;
  }
}

// The control-loop pieces a ProviderAccount needs, for the length of one command.
class LoginRuntime {
 public:
  explicit LoginRuntime(const ServerContext& ctx) {
    uv_loop_init(&loop_);
    mailbox_ = store::LoopMailbox::open(&loop_);
    client_ = std::make_unique<UpstreamClient>(&loop_);
    const ServerConfig& sc = ctx.config.server;
    env_.control_loop = &loop_;
    env_.control_mailbox = mailbox_;
    env_.control_client = client_.get();
    env_.default_ca_file = sc.upstream_ca_file;
    env_.connect_timeout_ms = sc.connect_timeout_seconds * 1000;
    env_.handshake_timeout_ms = sc.tls_handshake_timeout_seconds * 1000;
    env_.background_refresh = false;       // the running relay refreshes; this command only logs in
    env_.credential_writes_yield = false;  // a login replaces whatever credentials are stored
    uv_timer_init(&loop_, &timeout_);
  }

  ~LoginRuntime() {
    account_.reset();
    client_.reset();
    mailbox_->close();
    if (store_) store_->detachLoop(&loop_);
    uv_close(reinterpret_cast<uv_handle_t*>(&timeout_), nullptr);
    uv_run(&loop_, UV_RUN_DEFAULT);  // lets every closing handle finish
    uv_loop_close(&loop_);
    store_.reset();
  }

  // Opens the database and the key, and creates the plugin account; false with *error.
  bool open(const ServerContext& ctx, const AccountConfig& account, const LoadedPlugin& plugin,
            std::string* error) {
    try {
      const std::string& path = ctx.config.server.database_path;
      store::StoreOptions options;
      options.path = path;
      options.on_error = [](const std::string& m) { std::cerr << "relay-server: " << m << "\n"; };
      store_ = store::Store::open(options);
      secrets_.emplace(store::SecretBox::fromEnvironment(path));
    } catch (const std::exception& e) {
      *error = std::string("cannot open the state database: ") + e.what();
      return false;
    }
    env_.store = store_.get();
    env_.secrets = &*secrets_;
    installHandleBridge();
    account_ = std::make_unique<ProviderAccount>(account, plugin, env_);
    relay_error_t err{};
    if (!account_->create(&err)) {
      *error = std::string("the plugin refused account ") + account.id + ": " + err.message;
      return false;
    }
    return true;
  }

  ProviderAccount& account() { return *account_; }

  // Calls start (which hands the plugin its hook; false = it could not start), then runs the
  // loop until the plugin ends the login (maybe inside start) and its tokens are committed.
  std::optional<LoginResult> runLogin(const std::function<bool()>& start) {
    LoginResult result;
    bool done = false;
    settled_ = false;
    account_->on_login_done = [this, &result, &done](int32_t outcome, std::string_view identity,
                                                     std::string_view reason) {
      if (done) return;
      done = true;
      result.outcome = outcome;
      result.identity = identity;
      result.reason = reason;
      account_->afterStoreWrites([this, &result](bool ok) {
        result.stored = ok;
        settled_ = true;
        uv_stop(&loop_);
      });
    };
    if (!start()) {
      account_->on_login_done = nullptr;
      return std::nullopt;
    }
    timeout_.data = this;
    uv_timer_start(
        &timeout_,
        [](uv_timer_t* t) {
          auto* self = static_cast<LoginRuntime*>(t->data);
          self->timed_out_ = true;
          uv_stop(&self->loop_);
        },
        kLoginTimeoutMs, 0);
    while (!settled_ && !timed_out_) uv_run(&loop_, UV_RUN_DEFAULT);
    uv_timer_stop(&timeout_);
    if (!done) result.reason = "no answer from the provider's plugin in time";
    return result;
  }

 private:
  uv_loop_t loop_;
  uv_timer_t timeout_;
  bool settled_ = false;  // the login ended and its store writes were committed
  bool timed_out_ = false;
  std::shared_ptr<store::LoopMailbox> mailbox_;
  std::unique_ptr<UpstreamClient> client_;
  std::unique_ptr<store::Store> store_;
  std::optional<store::SecretBox> secrets_;
  ProviderEnvironment env_;
  std::unique_ptr<ProviderAccount> account_;
};

// Interactive: URL out, pasted code in, exchange. Returns the result or sets *error.
std::optional<LoginResult> interactiveLogin(LoginRuntime& rt, std::istream& in, std::ostream& out,
                                            std::ostream& err, std::string* error) {
  ProviderAccount& account = rt.account();
  const relay_plugin_t& p = account.plugin().table();
  PkcePair pkce = makePkcePair();
  std::string state = makeLoginState();
  std::string url;
  account.on_login_url = [&url](std::string_view u) { url = u; };
  relay_error_t perr{};
  if (p.login_begin(account.handle(), slice(state), slice(pkce.challenge), &perr) != RELAY_OK ||
      url.empty()) {
    *error = std::string("the plugin could not start a login") +
             (perr.message[0] ? std::string(": ") + perr.message : std::string());
    return std::nullopt;
  }
  err << "Open this URL in a browser, sign in, and paste the code the page shows here:\n";
  err.flush();
  out << url << "\n";
  out.flush();
  std::string line;
  std::getline(in, line);
  std::optional<PastedCode> pasted = parsePastedCode(line);
  if (!pasted) {
    *error = "no code was pasted on standard input";
    return std::nullopt;
  }
  if (pasted->state && *pasted->state != state) {
    *error =
        "the pasted code belongs to another login (its state does not match this one); run "
        "login again and paste the code shown after signing in from the new URL";
    return std::nullopt;
  }
  auto result = rt.runLogin([&] {
    return p.login_exchange(account.handle(), slice(pasted->code), slice(state),
                            slice(pkce.verifier)) == RELAY_OK;
  });
  if (!result) *error = "the plugin could not start the token exchange";
  return result;
}

}  // namespace

int runLoginCommand(Config config, const LoginOptions& options, std::istream& in, std::ostream& out,
                    std::ostream& err) {
  const std::string prefix = "relay-server login: ";
  const AccountConfig* account = nullptr;
  for (const AccountConfig& a : config.accounts)
    if (a.id == options.account_id) account = &a;
  if (!account) {
    err << prefix << "no account with id '" << options.account_id << "' in the configuration\n";
    return 1;
  }
  std::string account_id = account->id;
  std::string error;
  auto ctx = buildServerContext(std::move(config), &error);
  if (!ctx) {
    err << prefix << "configuration error:\n  " << error << "\n";
    return 1;
  }
  const AccountConfig* cfg = nullptr;
  for (const AccountConfig& a : ctx->config.accounts)
    if (a.id == account_id) cfg = &a;
  const LoadedPlugin* plugin = ctx->plugins->providerFor(cfg->type);
  const relay_plugin_t* table = plugin ? &plugin->table() : nullptr;
  bool importing = !options.import_source.empty();
  bool can =
      table && RELAY_PLUGIN_HAS(table, account_new) &&
      (importing ? RELAY_PLUGIN_HAS(table, login_import)
                 : RELAY_PLUGIN_HAS(table, login_begin) && RELAY_PLUGIN_HAS(table, login_exchange));
  if (!can) {
    err << prefix << "account " << account_id << " (type " << cfg->type << ") has no "
        << (importing ? "credential take-over" : "login")
        << ": its provider plugin does not offer one\n";
    return 1;
  }
  LoginRuntime rt(*ctx);
  if (!rt.open(*ctx, *cfg, *plugin, &error)) {
    err << prefix << error << "\n";
    return 1;
  }
  std::optional<LoginResult> result;
  if (importing) {
    result = rt.runLogin([&] {
      return table->login_import(rt.account().handle(), slice(options.import_source),
                                 slice(options.import_path), options.take_over ? 1 : 0) == RELAY_OK;
    });
    if (!result) error = "the plugin could not start the take-over";
  } else {
    result = interactiveLogin(rt, in, out, err, &error);
  }
  if (!result) {
    err << prefix << error << "\n";
    return 1;
  }
  if (result->outcome != RELAY_LOGIN_OK) {
    err << prefix << describeFailure(account_id, *result) << "\n";
    return 1;
  }
  if (!result->stored) {
    err << prefix << "the tokens of account " << account_id
        << " could not be written to the state database\n";
    return 1;
  }
  out << "logged in account " << account_id
      << (result->identity.empty() ? "" : " (" + result->identity + ")") << "\n";
  return 0;
}

}  // namespace relay
