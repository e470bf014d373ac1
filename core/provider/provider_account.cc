#include "core/provider/provider_account.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cstdio>

#include "core/loop/clock.h"
#include "core/net/upstream/upstream_client.h"
#include "core/obs/log.h"
#include "core/store/account_fact_repo.h"
#include "core/store/credential_repo.h"

namespace relay {

namespace {

constexpr size_t kMaxHttpCallBody = 1024 * 1024;

// The host's own fact: SHA-256 of the account config whose credentials failed for good ("" or
// absent: none did). A different config at start-up means new tokens: the account is retried.
constexpr std::string_view kDeadCredentialsFact = "relay.dead_credentials_config_sha256";

std::string sha256Hex(std::string_view text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(text.data(), text.size(), digest, &len, EVP_sha256(), nullptr) != 1) return "?";
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < len; ++i) {
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 15]);
  }
  return out;
}

// The facts the credentials table holds; any other key is kept in account_facts.
bool isCredentialFact(std::string_view key) {
  return key == "refresh_token" || key == "access_token" || key == "expires_at_ms" ||
         key == "config_refresh_token_sha256";
}

relay_slice_t slice(std::string_view s) {
  return relay_slice_t{s.data(), s.size()};
}

}  // namespace

// One host->http_call in flight: collects the answer and hands it to the plugin.
class ProviderAccount::HttpCall final : public UpstreamResponseHandler {
 public:
  HttpCall(ProviderAccount& owner, uint64_t id) : owner_(owner), id_(id) {}
  void start(UpstreamRequest req) {
    call_ = owner_.env_.control_client->send(std::move(req), this);
  }

  void onResponseHeaders(int status, Headers headers) override {
    status_ = status;
    headers_ = std::move(headers);
  }
  bool onResponseData(std::string_view bytes) override {
    if (body_.size() + bytes.size() <= kMaxHttpCallBody) body_.append(bytes);
    return true;
  }
  void onResponseComplete() override { finish(""); }
  void onResponseError(const UpstreamError& e) override {
    status_ = 0;
    finish(e.message);
  }

 private:
  void finish(const std::string& error) {
    std::vector<relay_header_t> hs;
    for (const auto& h : headers_.all()) hs.push_back({slice(h.name), slice(h.value)});
    relay_http_response_t resp{};
    resp.struct_size = sizeof resp;
    resp.status = status_;
    resp.headers = hs.data();
    resp.header_count = hs.size();
    resp.body = slice(body_);
    resp.error = slice(error);
    ProviderAccount& owner = owner_;
    uint64_t id = id_;
    const relay_plugin_t& p = owner.plugin_.table();
    if (RELAY_PLUGIN_HAS(&p, on_http_done) && owner.handle_)
      p.on_http_done(owner.handle_, id, &resp);
    // Released on the next loop turn: this object is still on the stack of its callback.
    auto it = owner.calls_.find(id);
    if (it != owner.calls_.end()) {
      std::shared_ptr<HttpCall> done(it->second.release());
      owner.calls_.erase(it);
      owner.env_.control_mailbox->push([done] {});
    }
  }

  ProviderAccount& owner_;
  uint64_t id_;
  std::unique_ptr<UpstreamCall> call_;
  int status_ = 0;
  Headers headers_;
  std::string body_;
};

ProviderAccount::ProviderAccount(const AccountConfig& config, const LoadedPlugin& plugin,
                                 ProviderEnvironment& env)
    : config_(config), plugin_(plugin), env_(env) {}

ProviderAccount::~ProviderAccount() {
  shutdown();
}

bool ProviderAccount::create(relay_error_t* err) {
  if (env_.store && env_.secrets) {
    store::CredentialRepo repo(*env_.secrets);
    std::string id = config_.id;
    auto rec = env_.store->query([&repo, id](sqlite3* db) { return repo.load(db, id); });
    if (rec) {
      rememberStamp(rec->updated_at);
      credentials_stamp_ = rec->updated_at;
      facts_ = factsOf(*rec);
      if (rec->expires_at) token_expires_at_ms_ = *rec->expires_at;
    }
    store::AccountFactRepo facts(*env_.secrets);
    auto stored = env_.store->query([&facts, id](sqlite3* db) { return facts.load(db, id); });
    for (auto& [key, value] : stored)
      if (!isCredentialFact(key)) facts_[key] = value;
  }
  auto dead = facts_.find(kDeadCredentialsFact);
  if (dead != facts_.end() && !dead->second.empty() && dead->second != sha256Hex(config_.json)) {
    logf(LogLevel::kInfo, "accounts",
         "account %s: its config changed since its credentials failed for good; trying it again",
         config_.id.c_str());
    dead_credentials_replaced_ = true;
    rememberDeadCredentials("");
  }
  if (env_.store && env_.secrets && env_.control_loop)
    commit_ = std::make_unique<CredentialCommit>(
        config_.id, env_.control_loop, env_.store,
        CredentialCommit::Hooks{[this] { return uncommittedWrites(); },
                                [this](uint64_t generation) { writesCommitted(generation); }});
  const relay_plugin_t& p = plugin_.table();
  if (!RELAY_PLUGIN_HAS(&p, account_new)) {
    snprintf(err->message, sizeof err->message, "plugin %s cannot serve accounts yet",
             plugin_.name().c_str());
    return false;
  }
  handle_ = p.account_new(this, slice(config_.type), slice(config_.json), err);
  return handle_ != nullptr;
}

bool ProviderAccount::responseObserves() const {
  const relay_plugin_t& p = plugin_.table();
  if (handle_ && RELAY_PLUGIN_HAS(&p, account_response_observes))
    return p.account_response_observes(handle_) != 0;
  return RELAY_PLUGIN_RESPONSE_OBSERVES(&p);
}

void ProviderAccount::requestCredentials(bool force, std::shared_ptr<store::LoopMailbox> reply_to,
                                         std::weak_ptr<void> alive, CredentialsCallback done) {
  Waiter w{std::move(reply_to), std::move(alive), std::move(done)};
  env_.control_mailbox->push(
      [this, force, w = std::move(w)]() mutable { startRefresh(force, std::move(w)); });
}

void ProviderAccount::startRefresh(bool force, std::optional<Waiter> waiter) {
  if (waiter) waiters_.push_back(std::move(*waiter));
  if (refreshing_) return;  // one refresh per account; this waiter joins it
  if (!handle_ || !RELAY_PLUGIN_HAS(&plugin_.table(), refresh)) {
    finishRefresh(false, "account " + config_.id + " cannot refresh its credentials",
                  RELAY_CLASS_TRANSIENT);
    return;
  }
  refreshing_ = true;
  logf(LogLevel::kInfo, "accounts", "account %s: refreshing credentials%s", config_.id.c_str(),
       force ? " (forced)" : "");
  if (plugin_.table().refresh(handle_, force ? 1 : 0) != RELAY_OK && refreshing_)
    finishRefresh(false, "account " + config_.id + ": refresh could not start",
                  RELAY_CLASS_TRANSIENT);
}

void ProviderAccount::credentialsReady() {
  if (refresh_superseded_) return endSupersededRefresh();
  if (!refreshing_ && waiters_.empty()) return;
  // Durable rotation: what the plugin stored must be on disk before it publishes the new access
  // token (credentials_committed) and before the waiting requests use it.
  if (!commit_) return afterCommit(true);
  commit_->confirm([this](bool ok) { afterCommit(ok); });
}

void ProviderAccount::afterCommit(bool ok) {
  const relay_plugin_t& p = plugin_.table();
  if (handle_ && RELAY_PLUGIN_HAS(&p, credentials_committed))
    p.credentials_committed(handle_, ok ? 1 : 0);
  finishRefresh(true, "", RELAY_CLASS_NONE);
}

CredentialCommit::Pending ProviderAccount::uncommittedWrites() const {
  if (put_generation_ == committed_generation_ || !env_.secrets) return {};
  std::vector<std::pair<std::string, std::string>> facts;
  for (const std::string& key : dirty_facts_) {
    auto it = facts_.find(key);
    if (it != facts_.end()) facts.emplace_back(key, it->second);
  }
  std::function<void(sqlite3*)> creds;
  if (credentials_dirty_) creds = credentialWrite(credentialRecord());
  store::AccountFactRepo fact_repo(*env_.secrets);
  auto write = [creds, fact_repo, facts, id = config_.id](sqlite3* db) {
    if (creds) creds(db);
    for (const auto& [key, value] : facts) fact_repo.save(db, id, key, value, unixTimeMs());
  };
  return {write, put_generation_};
}

void ProviderAccount::writesCommitted(uint64_t generation) {
  committed_generation_ = std::max(committed_generation_, generation);
  if (committed_generation_ != put_generation_) return;
  dirty_facts_.clear();
  credentials_dirty_ = false;
}

void ProviderAccount::credentialsFailed(std::string_view reason) {
  credentialsFailedAs(RELAY_CLASS_TRANSIENT, reason);
}

void ProviderAccount::credentialsFailedAs(uint32_t failure_class, std::string_view reason) {
  // The failure is about credentials a login has replaced meanwhile: the new ones stand.
  if (refresh_superseded_) return endSupersededRefresh();
  bool dead = failure_class == RELAY_CLASS_PERMANENT;
  logf(LogLevel::kWarn, "accounts", "account %s: credential refresh failed%s: %.*s",
       config_.id.c_str(),
       dead ? " for good (disabled until a login or new config tokens)" : " (transient)",
       static_cast<int>(reason.size()), reason.data());
  if (dead) {
    rememberDeadCredentials(sha256Hex(config_.json));
    if (env_.on_credentials_dead) env_.on_credentials_dead(config_.id, std::string(reason));
  }
  finishRefresh(false, std::string(reason), dead ? RELAY_CLASS_PERMANENT : RELAY_CLASS_TRANSIENT);
}

void ProviderAccount::endSupersededRefresh() {
  refresh_superseded_ = false;
  logf(LogLevel::kInfo, "accounts",
       "account %s: the refresh in flight was superseded by a login; its answer is dropped",
       config_.id.c_str());
  finishRefresh(true, "", RELAY_CLASS_NONE);
}

void ProviderAccount::rememberDeadCredentials(const std::string& config_fingerprint) {
  auto it = facts_.find(kDeadCredentialsFact);
  if (it == facts_.end() ? config_fingerprint.empty() : it->second == config_fingerprint) return;
  facts_[std::string(kDeadCredentialsFact)] = config_fingerprint;
  if (!env_.store || !env_.secrets) return;
  store::AccountFactRepo repo(*env_.secrets);
  env_.store->post(
      [repo, id = config_.id, k = std::string(kDeadCredentialsFact),
       v = config_fingerprint](sqlite3* db) { repo.save(db, id, k, v, unixTimeMs()); });
}

void ProviderAccount::finishRefresh(bool ok, const std::string& reason, uint32_t failure_class) {
  refreshing_ = false;
  refresh_superseded_ = false;
  refresh_stored_ = false;
  auto waiters = std::move(waiters_);
  waiters_.clear();
  for (auto& w : waiters) {
    if (!w.reply_to) continue;
    w.reply_to->push([w, ok, reason, failure_class] {
      if (w.alive.lock()) w.done(ok, reason, failure_class);
    });
  }
}

int ProviderAccount::httpCall(const relay_http_request_t& request, uint64_t call_id) {
  if (!env_.control_client) return RELAY_UNSUPPORTED;
  UpstreamRequest req;
  req.method = std::string(request.method.ptr, request.method.len);
  req.url = std::string(request.url.ptr, request.url.len);
  for (size_t i = 0; i < request.header_count; ++i)
    req.headers.add(std::string_view(request.headers[i].name.ptr, request.headers[i].name.len),
                    std::string_view(request.headers[i].value.ptr, request.headers[i].value.len));
  req.body = std::string(request.body.ptr, request.body.len);
  req.proxy = config_.proxy;
  req.ca_file = config_.ca_file.empty() ? env_.default_ca_file : config_.ca_file;
  req.account_id = config_.id;
  req.timeouts.connect_ms = env_.connect_timeout_ms;
  req.timeouts.tls_handshake_ms = env_.handshake_timeout_ms;
  int timeout = request.timeout_ms ? static_cast<int>(request.timeout_ms) : 30000;
  req.timeouts.response_headers_ms = timeout;
  req.timeouts.body_idle_ms = timeout;
  auto call = std::make_unique<HttpCall>(*this, call_id);
  HttpCall* raw = call.get();
  calls_[call_id] = std::move(call);
  raw->start(std::move(req));
  return RELAY_OK;
}

bool ProviderAccount::storeGet(std::string_view key, std::string_view* value) {
  auto it = facts_.find(key);
  if (it == facts_.end()) return false;
  *value = it->second;
  return true;
}

int ProviderAccount::storePut(std::string_view key, std::string_view value) {
  if (isCredentialFact(key) && refreshing_) {
    if (refresh_superseded_) return RELAY_OK;  // a stale refresh answer: the login stands
    refresh_stored_ = true;
  }
  facts_[std::string(key)] = std::string(value);
  ++put_generation_;  // written now, and confirmed (or rewritten) by the next credentialsReady
  if (isCredentialFact(key)) {
    credentials_dirty_ = true;
    credentials_stamp_ = unixTimeMs();
  } else {
    dirty_facts_.insert(std::string(key));
  }
  if (!isCredentialFact(key)) {
    if (env_.store && env_.secrets) {
      store::AccountFactRepo repo(*env_.secrets);
      env_.store->post([repo, id = config_.id, k = std::string(key), v = std::string(value)](
                           sqlite3* db) { repo.save(db, id, k, v, unixTimeMs()); });
    }
    return RELAY_OK;
  }
  if (key == "expires_at_ms") {
    try {
      token_expires_at_ms_ = std::stoll(std::string(value));
    } catch (...) {
    }
  }
  persist();
  return RELAY_OK;
}

void ProviderAccount::persist() {
  if (!env_.store || !env_.secrets) return;
  env_.store->post(credentialWrite(credentialRecord()), store::kCredentialBusyTimeoutMs);
}

std::function<void(sqlite3*)> ProviderAccount::credentialWrite(
    const store::CredentialRecord& rec) const {
  store::CredentialRepo repo(*env_.secrets);
  if (!env_.credential_writes_yield) return [repo, rec](sqlite3* db) { repo.save(db, rec); };
  rememberStamp(rec.updated_at);
  // Jobs run in the order queued, so the stamps known now include every earlier write of ours
  // (a write that failed left a row stamped with an earlier one, also known).
  return [repo, rec, known = known_stamps_](sqlite3* db) {
    if (repo.saveIfKnown(db, rec, known)) return;
    // Another process (a login) wrote the row since: it stands, and the credential watch
    // hands it to the account (credentials_changed), dropping what this write carried.
    logf(LogLevel::kInfo, "accounts",
         "account %s: the stored credentials were replaced by another process; the relay's "
         "write is dropped and the stored ones will be used",
         rec.account_id.c_str());
  };
}

void ProviderAccount::rememberStamp(int64_t updated_at) const {
  // One stamp per credential change: dropping the oldest only matters after this many changes
  // in a row all failed to reach the disk.
  constexpr size_t kKeep = 64;
  if (!known_stamps_.empty() && known_stamps_.back() == updated_at) return;
  known_stamps_.push_back(updated_at);
  if (known_stamps_.size() > kKeep) known_stamps_.erase(known_stamps_.begin());
}

store::CredentialRecord ProviderAccount::credentialRecord() const {
  store::CredentialRecord rec;
  rec.account_id = config_.id;
  auto get = [this](const char* k) -> std::optional<std::string> {
    auto it = facts_.find(k);
    return it == facts_.end() ? std::nullopt : std::optional<std::string>(it->second);
  };
  rec.refresh_token = get("refresh_token");
  rec.access_token = get("access_token");
  rec.config_token_hash = get("config_refresh_token_sha256");
  if (auto e = get("expires_at_ms")) {
    try {
      rec.expires_at = std::stoll(*e);
    } catch (...) {
    }
  }
  // When the credentials last changed, so a rewrite of the same values carries the same stamp.
  rec.updated_at = credentials_stamp_ ? credentials_stamp_ : unixTimeMs();
  return rec;
}

std::map<std::string, std::string, std::less<>> ProviderAccount::factsOf(
    const store::CredentialRecord& rec) {
  std::map<std::string, std::string, std::less<>> facts;
  if (rec.refresh_token) facts["refresh_token"] = *rec.refresh_token;
  if (rec.access_token) facts["access_token"] = *rec.access_token;
  if (rec.expires_at) facts["expires_at_ms"] = std::to_string(*rec.expires_at);
  if (rec.config_token_hash) facts["config_refresh_token_sha256"] = *rec.config_token_hash;
  return facts;
}

ProviderAccount::Reload ProviderAccount::reloadCredentials(
    const std::optional<store::CredentialRecord>& record) {
  if (!record || record->undecryptable) return Reload::kUnchanged;
  auto fresh = factsOf(*record);
  bool same = true;
  for (const char* key : {"refresh_token", "access_token", "expires_at_ms"}) {
    auto a = fresh.find(key);
    auto b = facts_.find(key);
    bool a_has = a != fresh.end(), b_has = b != facts_.end();
    if (a_has != b_has || (a_has && a->second != b->second)) same = false;
  }
  if (same) {
    rememberStamp(record->updated_at);  // the row holds what the account holds
    return Reload::kUnchanged;
  }
  if (!handle_ || !RELAY_PLUGIN_HAS(&plugin_.table(), credentials_changed))
    return Reload::kUnsupported;
  // The refresh in flight already stored its answer: the row read may predate that write.
  if (refreshing_ && refresh_stored_) return Reload::kDeferred;
  for (auto& [key, value] : fresh) facts_[key] = value;
  rememberStamp(record->updated_at);
  credentials_stamp_ = record->updated_at;
  if (record->expires_at) token_expires_at_ms_ = *record->expires_at;
  rememberDeadCredentials("");
  logf(LogLevel::kInfo, "accounts", "account %s: new credentials in the store; using them",
       config_.id.c_str());
  // The refresh in flight started from the old credentials: whatever it answers is dropped.
  if (refreshing_) refresh_superseded_ = true;
  plugin_.table().credentials_changed(handle_);
  return Reload::kApplied;
}

void ProviderAccount::afterStoreWrites(std::function<void(bool ok)> done) {
  if (!env_.store) return done(true);
  env_.store->postWithReply([](sqlite3*) {}, env_.control_loop, std::move(done));
}

int ProviderAccount::loginUrl(std::string_view url) {
  if (!on_login_url) return RELAY_UNSUPPORTED;
  on_login_url(url);
  return RELAY_OK;
}

void ProviderAccount::loginDone(int32_t outcome, std::string_view identity,
                                std::string_view reason) {
  if (on_login_done) on_login_done(outcome, identity, reason);
}

int ProviderAccount::scheduleRefresh(int64_t at_ms, int64_t expires_at_ms) {
  if (expires_at_ms > 0) {
    token_expires_at_ms_ = expires_at_ms;
    if (env_.on_token_expiry) env_.on_token_expiry(config_.id, expires_at_ms);
  }
  if (!env_.control_loop || !env_.background_refresh) return RELAY_UNSUPPORTED;
  if (!refresh_timer_) {
    refresh_timer_ = new uv_timer_t;
    uv_timer_init(env_.control_loop, refresh_timer_);
    refresh_timer_->data = this;
    uv_unref(reinterpret_cast<uv_handle_t*>(refresh_timer_));  // never holds the loop open
  }
  int64_t delay = at_ms - unixTimeMs();
  uv_timer_start(refresh_timer_, &ProviderAccount::onRefreshTimer,
                 static_cast<uint64_t>(delay > 0 ? delay : 0), 0);
  return RELAY_OK;
}

void ProviderAccount::onRefreshTimer(uv_timer_t* t) {
  static_cast<ProviderAccount*>(t->data)->startRefresh(false, std::nullopt);
}

// One plugin timer: the uv handle first, so the handle pointer is the struct's.
struct ProviderAccount::PluginTimer {
  uv_timer_t handle;
  ProviderAccount* owner;
  uint64_t id;
};

int ProviderAccount::startTimer(int64_t at_ms, uint64_t timer_id) {
  if (!env_.control_loop) return RELAY_UNSUPPORTED;
  PluginTimer*& timer = plugin_timers_[timer_id];
  if (!timer) {
    timer = new PluginTimer{{}, this, timer_id};
    uv_timer_init(env_.control_loop, &timer->handle);
    timer->handle.data = timer;
    uv_unref(reinterpret_cast<uv_handle_t*>(&timer->handle));  // never holds the loop open
  }
  int64_t delay = at_ms - unixTimeMs();
  uv_timer_start(&timer->handle, &ProviderAccount::onPluginTimer,
                 static_cast<uint64_t>(delay > 0 ? delay : 0), 0);
  return RELAY_OK;
}

void ProviderAccount::onPluginTimer(uv_timer_t* t) {
  auto* timer = static_cast<PluginTimer*>(t->data);
  ProviderAccount& owner = *timer->owner;
  const relay_plugin_t& p = owner.plugin_.table();
  if (owner.handle_ && RELAY_PLUGIN_HAS(&p, on_timer)) p.on_timer(owner.handle_, timer->id);
}

void ProviderAccount::shutdown() {
  if (commit_) commit_->close();
  if (refresh_timer_) {
    uv_close(reinterpret_cast<uv_handle_t*>(refresh_timer_),
             [](uv_handle_t* h) { delete reinterpret_cast<uv_timer_t*>(h); });
    refresh_timer_ = nullptr;
  }
  for (auto& [id, timer] : plugin_timers_)
    uv_close(reinterpret_cast<uv_handle_t*>(&timer->handle),
             [](uv_handle_t* h) { delete static_cast<PluginTimer*>(h->data); });
  plugin_timers_.clear();
  calls_.clear();
  if (handle_ && RELAY_PLUGIN_HAS(&plugin_.table(), account_free))
    plugin_.table().account_free(handle_);
  handle_ = nullptr;
}

}  // namespace relay
#include "core/loop/clock.h"
