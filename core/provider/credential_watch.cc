#include "core/provider/credential_watch.h"

#include <optional>
#include <utility>
#include <vector>

#include "core/obs/log.h"
#include "core/store/credential_repo.h"

namespace relay {

namespace {

int64_t dataVersion(sqlite3* db) {
  sqlite3_stmt* stmt = nullptr;
  int64_t version = -1;
  if (sqlite3_prepare_v2(db, "PRAGMA data_version", -1, &stmt, nullptr) == SQLITE_OK &&
      sqlite3_step(stmt) == SQLITE_ROW)
    version = sqlite3_column_int64(stmt, 0);
  sqlite3_finalize(stmt);
  return version;
}

}  // namespace

CredentialWatch::CredentialWatch(uv_loop_t* loop, store::Store& store,
                                 const store::SecretBox& secrets, ProviderSet& providers,
                                 Applied on_applied)
    : loop_(loop),
      store_(store),
      secrets_(secrets),
      providers_(providers),
      on_applied_(std::move(on_applied)) {}

CredentialWatch::~CredentialWatch() {
  stop();
}

void CredentialWatch::start(uint64_t interval_ms) {
  if (timer_) return;
  timer_ = new uv_timer_t;
  uv_timer_init(loop_, timer_);
  timer_->data = this;
  uv_unref(reinterpret_cast<uv_handle_t*>(timer_));  // never holds the loop open
  uv_timer_start(timer_, &CredentialWatch::onTick, 0, interval_ms);
}

void CredentialWatch::stop() {
  *alive_ = false;
  if (!timer_) return;
  uv_close(reinterpret_cast<uv_handle_t*>(timer_),
           [](uv_handle_t* h) { delete reinterpret_cast<uv_timer_t*>(h); });
  timer_ = nullptr;
}

void CredentialWatch::onTick(uv_timer_t* timer) {
  static_cast<CredentialWatch*>(timer->data)->check();
}

void CredentialWatch::check() {
  if (in_flight_) return;
  in_flight_ = true;
  std::weak_ptr<bool> alive = alive_;
  store_.postWithReply([](sqlite3* db) { return dataVersion(db); }, loop_,
                       [this, alive](std::optional<int64_t> version) {
                         auto a = alive.lock();
                         if (!a || !*a) return;
                         in_flight_ = false;
                         if (!version || *version < 0) return;
                         bool changed = version_ >= 0 && *version != version_;
                         version_ = *version;
                         if (changed || pending_) reload();
                       });
}

void CredentialWatch::reload() {
  std::vector<std::string> ids;
  providers_.forEach([&ids](ProviderAccount& a) { ids.push_back(a.id()); });
  if (ids.empty()) return;
  in_flight_ = true;
  store::CredentialRepo repo(secrets_);
  using Rows = std::vector<std::pair<std::string, std::optional<store::CredentialRecord>>>;
  std::weak_ptr<bool> alive = alive_;
  store_.postWithReply(
      [repo, ids](sqlite3* db) {
        Rows rows;
        for (const std::string& id : ids) rows.emplace_back(id, repo.load(db, id));
        return rows;
      },
      loop_,
      [this, alive](std::optional<Rows> rows) {
        auto a = alive.lock();
        if (!a || !*a) return;
        in_flight_ = false;
        pending_ = false;
        if (!rows) return;
        for (auto& [id, record] : *rows) {
          ProviderAccount* account = providers_.find(id);
          if (!account) continue;
          switch (account->reloadCredentials(record)) {
            case ProviderAccount::Reload::kApplied:
              if (on_applied_) on_applied_(id);
              break;
            case ProviderAccount::Reload::kDeferred:
              pending_ = true;
              break;
            default:
              break;
          }
        }
      });
}

}  // namespace relay
