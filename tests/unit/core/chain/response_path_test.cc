// The response direction of the chain (hooks in reverse order, observers and transforms), chain
// placement rules, and attempts (a new attempt starts from the original request).
#include <doctest/doctest.h>

#include <algorithm>
#include <cctype>

#include "core/chain/active_chain.h"
#include "core/chain/filter_chain.h"

using namespace relay;

namespace {

class RecordingSink final : public ResponseSink {
 public:
  void begin(int s, const Headers&, std::optional<uint64_t> len) override {
    status = s;
    length = len;
    began = true;
  }
  bool write(std::string_view b) override {
    body.append(b);
    writes.push_back(b.data());
    return true;
  }
  void end() override;
  void abort() override { aborted = true; }
  bool started() const override { return began; }
  bool closed() const override { return false; }
  void onWritable(std::function<void()>) override {}
  void onClientGone(std::function<void()>) override {}
  int status = 0;
  std::optional<uint64_t> length;
  bool began = false, ended = false, aborted = false;
  std::string body;
  std::vector<const char*> writes;
  ActiveStream* finish_from_end = nullptr;
};

struct Shared {
  std::vector<std::string> trace;
  std::string seen_bytes;                   // what the observer saw
  std::vector<const char*> seen_pointers;   // where it saw them
  std::vector<std::string> bodies;          // request bodies the rewriter saw
  int answers = 0;                          // attempts the terminal filter served
  std::vector<const char*> chunk_pointers;  // where the terminal's chunks live
};
Shared* g;

void RecordingSink::end() {
  ended = true;
  g->trace.push_back("client end");
  // As the client connection does: the stream finishes once the last bytes left.
  if (finish_from_end) finish_from_end->onStreamFinished(StreamStats{status, body.size(), true});
}

const std::vector<std::string> kChunks = {"event: a\n", "data: {\"x\":1}\n\n", "event: b\n\n"};

// role: observe | transform | none; on the way out, records each hook with the filter's name.
class RoleFilter final : public Filter {
 public:
  RoleFilter(std::string name, std::string role) : name_(std::move(name)), role_(std::move(role)) {}
  FilterStatus onRequest(FilterCallbacks&) override {
    g->trace.push_back("request " + name_);
    return FilterStatus::Continue;
  }
  ResponseRole responseRole() const override {
    if (role_ == "observe") return ResponseRole::Observe;
    if (role_ == "transform") return ResponseRole::Transform;
    return ResponseRole::None;
  }
  void observeHeaders(FilterCallbacks&, const ResponseHead&) override {
    g->trace.push_back("headers " + name_);
  }
  void observeData(FilterCallbacks&, std::string_view b) override {
    g->seen_bytes.append(b);
    g->seen_pointers.push_back(b.data());
  }
  void observeEnd(FilterCallbacks&, bool complete) override {
    g->trace.push_back(std::string(complete ? "end " : "failed ") + name_);
  }
  void transformHeaders(FilterCallbacks&, ResponseHead head, ResponseEmitter& next) override {
    g->trace.push_back("headers " + name_);
    head.content_length.reset();
    next.headers(std::move(head));
  }
  void transformData(FilterCallbacks&, std::string_view b, ResponseEmitter& next) override {
    std::string up(b);
    for (char& c : up) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    next.data(up);
  }
  void transformEnd(FilterCallbacks&, ResponseEmitter& next) override {
    g->trace.push_back("end " + name_);
    next.end();
  }

 private:
  std::string name_, role_;
};

// Rewrites the body for its attempt (as translate does) after recording what it got.
class RewriterFilter final : public Filter {
 public:
  FilterStatus onRequest(FilterCallbacks& cb) override {
    g->bodies.emplace_back(cb.request().body.view());
    cb.setRequestBody("rewritten by attempt " + std::to_string(g->bodies.size()));
    return FilterStatus::Continue;
  }
};

// Terminal: answers with kChunks (Content-Length kept); with "retry_once" the first attempt
// asks for a new one instead.
class AnswerFilter final : public Filter {
 public:
  explicit AnswerFilter(std::string mode) : mode_(std::move(mode)) {}
  FilterStatus onRequest(FilterCallbacks& cb) override {
    g->answers++;
    g->trace.push_back("answer sees " + std::string(cb.request().body.view()));
    if (mode_ == "retry_once" && g->answers == 1) {
      CHECK(cb.newAttempt({}));
      return FilterStatus::Stop;
    }
    ResponseHead head;
    head.status = 200;
    size_t total = 0;
    for (const auto& c : kChunks) total += c.size();
    head.content_length = total;
    cb.answerHeaders(std::move(head));
    for (const auto& c : kChunks) {
      g->chunk_pointers.push_back(c.data());
      cb.answerData(c);
    }
    cb.answerEnd();
    return FilterStatus::Stop;
  }
  void onAnswerSent(FilterCallbacks&) override { g->trace.push_back("answer sent"); }

 private:
  std::string mode_;
};

struct TestFactory final : FilterFactory {
  TestFactory(std::string kind, std::string name, std::string arg, FilterPlacement p)
      : kind(std::move(kind)), name(std::move(name)), arg(std::move(arg)), where(p) {}
  std::unique_ptr<Filter> create() const override {
    if (kind == "answer") return std::make_unique<AnswerFilter>(arg);
    if (kind == "rewriter") return std::make_unique<RewriterFilter>();
    return std::make_unique<RoleFilter>(name, arg);
  }
  FilterPlacement placement() const override { return where; }
  std::string kind, name, arg;
  FilterPlacement where;
};

FilterPlacement placementNamed(const std::string& s) {
  if (s == "start") return FilterPlacement::AttemptStart;
  if (s == "attempt") return FilterPlacement::Attempt;
  if (s == "terminal") return FilterPlacement::Terminal;
  return FilterPlacement::Request;
}

struct Fixture {
  Fixture() {
    uv_loop_init(&loop);
    g = &shared;
    worker.loop = &loop;
    for (const char* kind : {"role", "answer", "rewriter"}) {
      registry.add(kind, [kind](const FilterSpec& s, const ServerContext&, std::string*) {
        return std::make_unique<TestFactory>(kind, s.config["name"].as<std::string>(""),
                                             s.config["arg"].as<std::string>(""),
                                             placementNamed(s.config["at"].as<std::string>("")));
      });
    }
  }
  ~Fixture() {
    chains.clear();
    uv_run(&loop, UV_RUN_DEFAULT);
    uv_loop_close(&loop);
  }
  // {kind, name, arg, placement}
  ChainConfig config(const std::vector<std::array<std::string, 4>>& filters) {
    ChainConfig c;
    c.name = "test";
    int line = 10;
    for (const auto& f : filters) {
      YAML::Node n;
      n["name"] = f[1];
      n["arg"] = f[2];
      n["at"] = f[3];
      c.filters.push_back(FilterSpec{f[0], n, ConfigMark{"relay.yaml", line++, 7}});
    }
    return c;
  }
  void setChain(const std::vector<std::array<std::string, 4>>& filters) {
    std::string error;
    auto chain = FilterChainFactory::build(config(filters), registry, server, &error);
    REQUIRE_MESSAGE(chain != nullptr, error);
    Route r;
    r.path = "/t";
    r.chain_name = "test";
    r.chain = chain.get();
    server.routes.add(r);
    chains.push_back(std::move(chain));
  }
  std::unique_ptr<ActiveChain> run(std::string body = "") {
    Request req;
    req.method = "POST";
    req.target = "/t";
    req.body = std::move(body);
    auto ac = std::make_unique<ActiveChain>(std::move(req), sink, server, worker);
    ac->start();
    return ac;
  }
  uv_loop_t loop;
  WorkerContext worker;
  ServerContext server;
  FilterRegistry registry;
  std::vector<std::unique_ptr<FilterChainFactory>> chains;
  RecordingSink sink;
  Shared shared;
};

}  // namespace

TEST_CASE_FIXTURE(Fixture, "response hooks run in reverse order, from the terminal filter back") {
  setChain({{"role", "a", "observe", ""},
            {"role", "b", "transform", ""},
            {"role", "c", "observe", ""},
            {"answer", "", "", "terminal"}});
  auto ac = run();
  // c sees the end before the transform b (which could still hold the answer back); a, past the
  // last transform, once the answer left, after the producer's own post-send work.
  CHECK(shared.trace == std::vector<std::string>{"request a", "request b", "request c",
                                                 "answer sees ", "headers c", "headers b",
                                                 "headers a", "end c", "end b", "client end",
                                                 "answer sent", "end a"});
  CHECK(sink.body == "EVENT: A\nDATA: {\"X\":1}\n\nEVENT: B\n\n");  // b transformed
  CHECK_FALSE(sink.length.has_value());                             // b changed the bytes: chunked
  CHECK(sink.ended);
}

TEST_CASE_FIXTURE(Fixture, "the answer leaves before its observers' ends and the record") {
  setChain(
      {{"role", "a", "observe", ""}, {"role", "b", "observe", ""}, {"answer", "", "", "terminal"}});
  server.on_request_finished = [](WorkerContext&, const Request&, const RequestState&,
                                  const StreamStats&) { g->trace.push_back("recorded"); };
  Request req;
  req.method = "POST";
  req.target = "/t";
  auto ac = std::make_unique<ActiveChain>(std::move(req), sink, server, worker);
  sink.finish_from_end = ac.get();
  ac->start();
  // The stream finishes inside the client's end(): the producer's and the observers' end-time
  // work runs there, once, before the request is recorded.
  CHECK(shared.trace == std::vector<std::string>{"request a", "request b", "answer sees ",
                                                 "headers b", "headers a", "client end",
                                                 "answer sent", "end b", "end a", "recorded"});
}

TEST_CASE_FIXTURE(Fixture, "observers see every byte of a stream, unchanged and uncopied") {
  setChain(
      {{"role", "a", "observe", ""}, {"role", "b", "observe", ""}, {"answer", "", "", "terminal"}});
  auto ac = run();
  std::string all, twice;
  for (const auto& c : kChunks) {
    all += c;
    twice += c + c;  // b (nearest the terminal) sees each chunk, then a
  }
  CHECK(shared.seen_bytes == twice);  // both observers, every byte
  CHECK(sink.body == all);
  CHECK(sink.length == all.size());  // observers keep the Content-Length
  // The observers and the client got the terminal's own buffers, not copies.
  REQUIRE(shared.seen_pointers.size() == 2 * kChunks.size());
  for (size_t i = 0; i < kChunks.size(); ++i) {
    CHECK(shared.seen_pointers[2 * i] == shared.chunk_pointers[i]);
    CHECK(shared.seen_pointers[2 * i + 1] == shared.chunk_pointers[i]);
    CHECK(sink.writes[i] == shared.chunk_pointers[i]);
  }
}

TEST_CASE_FIXTURE(Fixture, "a new attempt starts from the original body and reruns the attempt") {
  setChain({{"role", "req", "none", ""},
            {"role", "select", "none", "start"},
            {"rewriter", "", "", "attempt"},
            {"answer", "", "retry_once", "terminal"}});
  auto ac = run("original body");
  uv_run(&loop, UV_RUN_DEFAULT);
  CHECK(shared.bodies == std::vector<std::string>{"original body", "original body"});
  CHECK(shared.trace == std::vector<std::string>{
                            "request req", "request select", "answer sees rewritten by attempt 1",
                            "request select", "answer sees rewritten by attempt 2", "client end",
                            "answer sent"});
  CHECK(sink.status == 200);
}

TEST_CASE_FIXTURE(Fixture,
                  "placement: per-attempt filters after the attempt start, none after "
                  "the terminal") {
  std::string error;
  CHECK(FilterChainFactory::build(config({{"role", "x", "none", "attempt"},
                                          {"role", "s", "none", "start"},
                                          {"answer", "", "", "terminal"}}),
                                  registry, server, &error) == nullptr);
  CHECK(error.find("relay.yaml:10:7: filter_chains.test[0]: 'role' runs once per attempt") == 0);
  CHECK(FilterChainFactory::build(config({{"role", "s", "none", "start"},
                                          {"answer", "", "", "terminal"},
                                          {"role", "late", "none", ""}}),
                                  registry, server, &error) == nullptr);
  CHECK(error.find("relay.yaml:12:7: filter_chains.test[2]: 'role' comes after 'answer'") == 0);
  CHECK(FilterChainFactory::build(config({{"role", "s", "none", "start"},
                                          {"role", "x", "none", "attempt"},
                                          {"answer", "", "", "terminal"}}),
                                  registry, server, &error) != nullptr);
}

TEST_CASE_FIXTURE(Fixture, "a chain longer than the request's arena runs and retries alike") {
  std::vector<std::array<std::string, 4>> filters;
  auto named = [](char prefix, int i) { return std::string(1, prefix).append(std::to_string(i)); };
  for (int i = 0; i < 40; ++i)
    filters.push_back({"role", named('r', i), i % 2 ? "transform" : "observe", ""});
  filters.push_back({"role", "select", "none", "start"});
  for (int i = 0; i < 20; ++i) filters.push_back({"role", named('t', i), "observe", "attempt"});
  filters.push_back({"rewriter", "", "", "attempt"});
  filters.push_back({"answer", "", "retry_once", "terminal"});
  setChain(filters);
  auto ac = run("original body");
  uv_run(&loop, UV_RUN_DEFAULT);
  CHECK(shared.bodies == std::vector<std::string>{"original body", "original body"});
  CHECK(shared.answers == 2);
  CHECK(sink.status == 200);
  CHECK(sink.body == "EVENT: A\nDATA: {\"X\":1}\n\nEVENT: B\n\n");
  // Every hook on the way back ran once, nearest the terminal first.
  auto at = [&](const std::string& what) {
    return std::find(shared.trace.begin(), shared.trace.end(), what) - shared.trace.begin();
  };
  CHECK(std::count(shared.trace.begin(), shared.trace.end(), "headers r0") == 1);
  CHECK(at("headers t19") < at("headers t0"));
  CHECK(at("headers t0") < at("headers r39"));
  CHECK(at("headers r39") < at("headers r0"));
  CHECK(at("end r1") < at("end r0"));
}
