#include "core/server_context.h"
#include "filters/factory.h"
#include "filters/local/local_filters.h"

namespace relay {

namespace {

struct Reply {
  int status = 200;
  std::string body = "{}";
  std::string content_type = "application/json";
};

class LocalReplyFilter final : public Filter {
 public:
  explicit LocalReplyFilter(const Reply& r) : reply_(r) {}
  FilterStatus onRequest(FilterCallbacks& cb) override {
    cb.sendLocalReply(reply_.status, reply_.content_type, reply_.body);
    return FilterStatus::Stop;
  }

 private:
  const Reply& reply_;
};

class LocalReplyFactory final : public FilterFactory {
 public:
  explicit LocalReplyFactory(Reply r) : reply_(std::move(r)) {}
  std::unique_ptr<Filter> create() const override {
    return std::make_unique<LocalReplyFilter>(reply_);
  }

 private:
  Reply reply_;
};

}  // namespace

std::unique_ptr<FilterFactory> buildLocalReplyFilter(const FilterSpec& spec, const ServerContext&,
                                                     std::string* error) {
  Reply r;
  if (spec.config && !spec.config.IsNull()) {
    if (!spec.config.IsMap()) {
      *error = "expected a map {status, body, content_type}";
      return nullptr;
    }
    for (const auto& kv : spec.config) {
      std::string k = kv.first.as<std::string>();
      try {
        if (k == "status")
          r.status = kv.second.as<int>();
        else if (k == "body")
          r.body = kv.second.as<std::string>();
        else if (k == "content_type")
          r.content_type = kv.second.as<std::string>();
        else {
          *error = "unknown key '" + k + "' (expected: status, body, content_type)";
          return nullptr;
        }
      } catch (const YAML::Exception&) {
        *error = k + ": wrong type";
        return nullptr;
      }
    }
    if (r.status < 200 || r.status > 599) {
      *error = "status: expected 200-599";
      return nullptr;
    }
  }
  return std::make_unique<LocalReplyFactory>(std::move(r));
}

}  // namespace relay
