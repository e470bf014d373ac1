// The observer every chain begins with: it records an answer that ends (request metrics; the
// usage and the access log go the same way) as the client gets it, leaves a broken answer to the
// stream's end, and keeps attempts working after it is put in front of the chain.
#include <doctest/doctest.h>

#include "core/chain/active_chain.h"
#include "core/chain/filter_chain.h"
#include "core/obs/relay_metrics.h"
#include "filters/observe/exchange_observer.h"

using namespace relay;

namespace {

class NullSink final : public ResponseSink {
 public:
  void begin(int s, const Headers&, std::optional<uint64_t>) override {
    status = s;
    began = true;
  }
  bool write(std::string_view b) override {
    body.append(b);
    return true;
  }
  void end() override {}
  void abort() override {}
  bool started() const override { return began; }
  bool closed() const override { return false; }
  void onWritable(std::function<void()>) override {}
  void onClientGone(std::function<void()>) override {}
  int status = 0;
  bool began = false;
  std::string body;
};

int g_answers = 0;

// Terminal. mode "ok": 200 with a 5-byte body; "broken": fails before any header;
// "retry_once": the first attempt asks for another, the second answers 201.
class Terminal final : public Filter {
 public:
  explicit Terminal(std::string mode) : mode_(std::move(mode)) {}
  FilterStatus onRequest(FilterCallbacks& cb) override {
    ++g_answers;
    if (mode_ == "broken") {
      cb.answerFailed(AnswerFailure{AnswerFailure::Cause::Transport, 502, "boom"});
      return FilterStatus::Stop;
    }
    if (mode_ == "retry_once" && g_answers == 1) {
      CHECK(cb.newAttempt({}));
      return FilterStatus::Stop;
    }
    ResponseHead head;
    head.status = mode_ == "retry_once" ? 201 : 200;
    head.content_length = 5;
    cb.answerHeaders(std::move(head));
    cb.answerData("hello");
    cb.answerEnd();
    return FilterStatus::Stop;
  }

 private:
  std::string mode_;
};

class Start final : public Filter {
 public:
  FilterStatus onRequest(FilterCallbacks&) override { return FilterStatus::Continue; }
};

struct Fixture {
  Fixture() {
    uv_loop_init(&loop);
    worker.loop = &loop;
    registry.add("terminal", [](const FilterSpec& s, const ServerContext&, std::string*) {
      std::string mode = s.config["mode"].as<std::string>();
      struct F final : FilterFactory {
        std::string mode;
        std::unique_ptr<Filter> create() const override { return std::make_unique<Terminal>(mode); }
        FilterPlacement placement() const override { return FilterPlacement::Terminal; }
      };
      auto f = std::make_unique<F>();
      f->mode = mode;
      return std::unique_ptr<FilterFactory>(std::move(f));
    });
    registry.add("start", [](const FilterSpec&, const ServerContext&, std::string*) {
      struct F final : FilterFactory {
        std::unique_ptr<Filter> create() const override { return std::make_unique<Start>(); }
        FilterPlacement placement() const override { return FilterPlacement::AttemptStart; }
      };
      return std::unique_ptr<FilterFactory>(std::make_unique<F>());
    });
    g_answers = 0;
  }
  ~Fixture() {
    uv_run(&loop, UV_RUN_DEFAULT);
    uv_loop_close(&loop);
  }
  void setChain(const std::string& path, const std::string& mode) {
    ChainConfig c;
    c.name = "test";
    c.filters.push_back(FilterSpec{"start", YAML::Node(), {}});
    YAML::Node n;
    n["mode"] = mode;
    c.filters.push_back(FilterSpec{"terminal", n, {}});
    std::string error;
    chain = FilterChainFactory::build(c, registry, server, &error);
    REQUIRE_MESSAGE(chain != nullptr, error);
    chain->prepend(kObserveFilterName, makeExchangeObserverFactory());
    Route r;
    r.path = path;
    r.chain_name = "test";
    r.chain = chain.get();
    server.routes.add(r);
  }
  std::unique_ptr<ActiveChain> run(const std::string& path) {
    Request req;
    req.method = "POST";
    req.target = path;
    auto ac = std::make_unique<ActiveChain>(std::move(req), sink, server, worker);
    ac->start();
    return ac;
  }
  uint64_t requests(const std::string& route, const std::string& status) {
    return relayMetrics()
        .registry()
        .counter("relay_requests_total", "Requests answered by the relay.",
                 {"route", "method", "status"})
        .with({route, "POST", status})
        .value();
  }
  uv_loop_t loop;
  WorkerContext worker;
  ServerContext server;
  FilterRegistry registry;
  std::unique_ptr<FilterChainFactory> chain;
  NullSink sink;
};

}  // namespace

TEST_CASE_FIXTURE(Fixture, "the observer comes first and records an answer that ends") {
  setChain("/observed-ok", "ok");
  CHECK(chain->filterNames() == std::vector<std::string>{"observe", "start", "terminal"});
  CHECK(chain->attemptStart() == 1);
  uint64_t before = requests("/observed-ok", "200");
  auto ac = run("/observed-ok");
  CHECK(sink.status == 200);
  CHECK(sink.body == "hello");
  CHECK(ac->state().observed);
  CHECK(requests("/observed-ok", "200") == before + 1);
}

TEST_CASE_FIXTURE(Fixture, "a broken answer is left to the stream's end") {
  setChain("/observed-broken", "broken");
  uint64_t before = requests("/observed-broken", "502");
  auto ac = run("/observed-broken");
  CHECK(sink.status == 502);          // the relay's error went to the client...
  CHECK_FALSE(ac->state().observed);  // ...and is recorded with the stream's own figures
  CHECK(requests("/observed-broken", "502") == before);
}

TEST_CASE_FIXTURE(Fixture, "attempts restart after the prepended observer, which records once") {
  setChain("/observed-retry", "retry_once");
  uint64_t before = requests("/observed-retry", "201");
  auto ac = run("/observed-retry");
  uv_run(&loop, UV_RUN_DEFAULT);
  CHECK(g_answers == 2);
  CHECK(sink.status == 201);
  CHECK(requests("/observed-retry", "201") == before + 1);
}

TEST_CASE_FIXTURE(Fixture, "a declared chain may list observe, first only") {
  registry.add(kObserveFilterName, &buildObserveFilter);
  YAML::Node ok;
  ok["mode"] = "ok";
  auto chainOf = [&](std::vector<std::string> names, std::string* error) {
    ChainConfig c;
    c.name = "declared";
    for (auto& n : names)
      c.filters.push_back(FilterSpec{n, n == "terminal" ? ok : YAML::Node(), {"conf.yaml", 7, 5}});
    return FilterChainFactory::build(c, registry, server, error);
  };
  std::string error;
  auto first = chainOf({"observe", "start", "terminal"}, &error);
  REQUIRE_MESSAGE(first != nullptr, error);
  CHECK(first->filterNames() == std::vector<std::string>{"observe", "start", "terminal"});
  CHECK(first->attemptStart() == 1);

  auto late = chainOf({"start", "observe", "terminal"}, &error);
  CHECK(late == nullptr);
  CHECK(error.find("conf.yaml:7:5: filter_chains.declared[1]") == 0);
  CHECK(error.find("'observe' must be the chain's first filter") != std::string::npos);

  ChainConfig configured;
  configured.name = "configured";
  YAML::Node settings;
  settings["x"] = 1;
  configured.filters.push_back(FilterSpec{"observe", settings, {}});
  CHECK(FilterChainFactory::build(configured, registry, server, &error) == nullptr);
  CHECK(error.find("observe takes no configuration") != std::string::npos);
}
