#include "filters/observe/exchange_observer.h"

#include "filters/observe/exchange_record.h"

namespace relay {

namespace {

class ExchangeObserverFilter final : public Filter {
 public:
  FilterStatus onRequest(FilterCallbacks&) override { return FilterStatus::Continue; }

  ResponseRole responseRole() const override { return ResponseRole::Observe; }
  void observeHeaders(FilterCallbacks&, const ResponseHead& head) override {
    status_ = head.status;
  }
  void observeData(FilterCallbacks&, std::string_view bytes) override { bytes_ += bytes.size(); }

  // An answer that ended is recorded here, as the client gets it. One that broke (or never
  // came: the client left) is not: the stream records it when it finishes, with what was
  // actually sent (core/request_finish.h), since only the stream knows that.
  void observeEnd(FilterCallbacks& cb, bool complete) override {
    if (!complete || cb.state().observed) return;
    cb.state().observed = true;
    ExchangeOutcome outcome;
    outcome.status = status_;
    outcome.body_bytes = bytes_;
    recordExchange(cb.worker(), cb.request(), cb.state(), outcome);
  }

 private:
  int status_ = 0;
  uint64_t bytes_ = 0;
};

class ExchangeObserverFactory final : public FilterFactory {
 public:
  std::unique_ptr<Filter> create() const override {
    return std::make_unique<ExchangeObserverFilter>();
  }
  FilterPlacement placement() const override { return FilterPlacement::Outermost; }
};

}  // namespace

std::unique_ptr<FilterFactory> makeExchangeObserverFactory() {
  return std::make_unique<ExchangeObserverFactory>();
}

std::unique_ptr<FilterFactory> buildObserveFilter(const FilterSpec& spec, const ServerContext&,
                                                  std::string* error) {
  if (spec.config && !spec.config.IsNull()) {
    *error =
        "observe takes no configuration (the access log, metrics and usage are configured "
        "in their own sections)";
    return nullptr;
  }
  return makeExchangeObserverFactory();
}

}  // namespace relay
