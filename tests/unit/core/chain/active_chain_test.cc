#include <doctest/doctest.h>

#include <cstring>

#include "core/chain/active_chain.h"
#include "core/http/request_storage_pool.h"
#include "core/loop/deferred_deleter.h"

using namespace relay;

namespace {

// A response sink that records what the chain produced.
class RecordingSink final : public ResponseSink {
 public:
  void begin(int s, const Headers&, std::optional<uint64_t>) override {
    status = s;
    began = true;
  }
  bool write(std::string_view b) override {
    body.append(b);
    return true;
  }
  void end() override { ended = true; }
  void abort() override { aborted = true; }
  bool started() const override { return began; }
  bool closed() const override { return false; }
  void onWritable(std::function<void()>) override {}
  void onClientGone(std::function<void()>) override {}
  int status = 0;
  bool began = false, ended = false, aborted = false;
  std::string body;
};

std::vector<std::string>* g_trace;

// Continue, Stop-then-resume-asynchronously, or reply, recording each step.
class ScriptedFilter final : public Filter {
 public:
  ScriptedFilter(std::string name, std::string mode) : name_(std::move(name)), mode_(mode) {}
  ~ScriptedFilter() override {
    if (timer_)
      uv_close(reinterpret_cast<uv_handle_t*>(timer_.release()),
               [](uv_handle_t* h) { delete reinterpret_cast<uv_timer_t*>(h); });
  }
  FilterStatus onRequest(FilterCallbacks& cb) override {
    g_trace->push_back(name_);
    if (mode_ == "reply") {
      cb.sendLocalReply(201, "text/plain", "from " + name_);
      return FilterStatus::Stop;
    }
    if (mode_ == "inline") {
      cb.continueChain();  // resumes before returning Stop
      return FilterStatus::Stop;
    }
    if (mode_ == "async") {
      timer_ = std::make_unique<uv_timer_t>();
      uv_timer_init(cb.loop(), timer_.get());
      timer_->data = &cb;
      uv_timer_start(
          timer_.get(),
          [](uv_timer_t* t) {
            g_trace->push_back("resumed");
            static_cast<FilterCallbacks*>(t->data)->continueChain();
          },
          5, 0);
      return FilterStatus::Stop;
    }
    return FilterStatus::Continue;
  }
  void onDestroy() override { g_trace->push_back("destroy " + name_); }

 private:
  std::string name_, mode_;
  std::unique_ptr<uv_timer_t> timer_;
};

struct Fixture {
  Fixture() {
    uv_loop_init(&loop);
    g_trace = &trace;
    worker.loop = &loop;
    registry.add("scripted", [](const FilterSpec& s, const ServerContext&, std::string*) {
      std::string name = s.config["name"].as<std::string>();
      std::string mode = s.config["mode"].as<std::string>();
      return std::make_unique<LambdaFilterFactoryForTest>(name, mode);
    });
  }
  ~Fixture() {
    uv_run(&loop, UV_RUN_DEFAULT);
    uv_loop_close(&loop);
  }
  struct LambdaFilterFactoryForTest final : FilterFactory {
    LambdaFilterFactoryForTest(std::string n, std::string m) : name(n), mode(m) {}
    std::unique_ptr<Filter> create() const override {
      return std::make_unique<ScriptedFilter>(name, mode);
    }
    std::string name, mode;
  };
  void setChain(const std::vector<std::pair<std::string, std::string>>& filters) {
    ChainConfig c;
    c.name = "test";
    for (const auto& [name, mode] : filters) {
      YAML::Node n;
      n["name"] = name;
      n["mode"] = mode;
      c.filters.push_back(FilterSpec{"scripted", n, {}});
    }
    std::string error;
    chain = FilterChainFactory::build(c, registry, server, &error);
    REQUIRE(chain != nullptr);
    Route r;
    r.path = "/t";
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
  uv_loop_t loop;
  WorkerContext worker;
  ServerContext server;
  FilterRegistry registry;
  std::unique_ptr<FilterChainFactory> chain;
  RecordingSink sink;
  std::vector<std::string> trace;
};

}  // namespace

TEST_CASE_FIXTURE(Fixture, "Continue runs filters in order; a local reply ends the chain") {
  setChain({{"a", "continue"}, {"b", "reply"}, {"c", "continue"}});
  auto ac = run("/t");
  CHECK(trace == std::vector<std::string>{"a", "b"});
  CHECK(sink.status == 201);
  CHECK(sink.body == "from b");
  CHECK(sink.ended);
}

TEST_CASE_FIXTURE(Fixture, "Stop pauses the chain until the filter resumes it on the loop") {
  setChain({{"a", "async"}, {"b", "reply"}});
  auto ac = run("/t");
  CHECK(trace == std::vector<std::string>{"a"});
  CHECK_FALSE(sink.began);
  uv_run(&loop, UV_RUN_DEFAULT);
  CHECK(trace == std::vector<std::string>{"a", "resumed", "b"});
  CHECK(sink.status == 201);
}

TEST_CASE_FIXTURE(Fixture, "a resume from inside the hook continues without recursion") {
  setChain({{"a", "inline"}, {"b", "reply"}});
  auto ac = run("/t");
  CHECK(trace == std::vector<std::string>{"a", "b"});
  CHECK(sink.status == 201);
}

TEST_CASE_FIXTURE(Fixture, "a chain that ends without answering produces a 500") {
  setChain({{"a", "continue"}});
  auto ac = run("/t");
  CHECK(sink.status == 500);
  CHECK(sink.body.find("ended without producing a response") != std::string::npos);
}

TEST_CASE_FIXTURE(Fixture, "unknown paths get a 404 in the client's format") {
  setChain({{"a", "continue"}});
  auto ac = run("/gemini/v1beta/nothing");
  CHECK(sink.status == 404);
  CHECK(sink.body.find("\"status\":\"NOT_FOUND\"") != std::string::npos);
  CHECK(trace.empty());
}

TEST_CASE_FIXTURE(Fixture, "destroying the request tells every filter") {
  setChain({{"a", "continue"}, {"b", "reply"}});
  run("/t").reset();
  CHECK(trace == std::vector<std::string>{"a", "b", "destroy a", "destroy b"});
}

TEST_CASE("an unknown filter name is a config error naming the place") {
  FilterRegistry registry;
  ServerContext server;
  ChainConfig c;
  c.name = "mine";
  c.filters.push_back(FilterSpec{"autht", YAML::Node(), ConfigMark{"relay.yaml", 7, 7}});
  std::string error;
  CHECK(FilterChainFactory::build(c, registry, server, &error) == nullptr);
  CHECK(error.find("relay.yaml:7:7: filter_chains.mine[0]: unknown filter 'autht'") == 0);
}

TEST_CASE_FIXTURE(Fixture, "a finished request gives its body and header list back to the worker") {
  if (!RequestStoragePool::keeping()) return;  // AddressSanitizer: nothing is kept
  setChain({{"a", "reply"}});
  RequestStoragePool& pool = RequestStoragePool::local();
  while (pool.spareBodies() > 0) pool.takeBody(0);  // what earlier cases left
  HeaderListPool& lists = HeaderListPool::local();
  lists.clear();
  Request req;
  req.method = "POST";
  req.target = "/t";
  req.body = std::string(4096, 'x');
  req.headers.add("user-agent", "a value longer than the inline storage of a string");
  const char* body_memory = req.body.data();
  auto ac = std::make_unique<ActiveChain>(std::move(req), sink, server, worker);
  ac->start();
  CHECK(sink.status == 201);
  CHECK(pool.spareBodies() == 0);  // still the request's while the chain lives
  ac.reset();
  CHECK(pool.spareBodies() == 1);
  CHECK(lists.spareCount() == 2);  // the request head's list, and the answer head's
  std::string next = pool.takeBody(4096);
  CHECK(next.empty());
  CHECK(next.data() == body_memory);
  std::vector<Header> list = lists.take(HeadSide::Downstream);
  REQUIRE(list.size() == 1);
  CHECK(list[0].name == "user-agent");
  // The answer's head went to the client: its list reads the next upstream response.
  std::vector<Header> answer = lists.take(HeadSide::Response);
  CHECK_FALSE(answer.empty());
  CHECK(lists.spareCount() == 0);
}

TEST_CASE_FIXTURE(Fixture, "a body in a read block keeps the block until the chain is done") {
  setChain({{"a", "reply"}});
  ReadBlock block = ReadBlock::take();
  char* memory = block.data();
  std::memcpy(memory, "{\"k\":1}", 7);
  Request req;
  req.method = "POST";
  req.target = "/t";
  req.body.adopt(std::move(block), std::string_view(memory, 7));
  auto ac = std::make_unique<ActiveChain>(std::move(req), sink, server, worker);
  ac->start();
  CHECK(sink.status == 201);
  CHECK(ac->request().body.data() == memory);  // never copied
  CHECK(ac->request().body == "{\"k\":1}");
  size_t spare_while_running = ReadBlock::spareOnThisThread();
  ac.reset();
  if (!RequestStoragePool::keeping()) return;  // AddressSanitizer: the block went to the heap
  CHECK(spare_while_running + 1 == ReadBlock::spareOnThisThread());
  CHECK(ReadBlock::take().data() == memory);  // the next read goes into it
}
