// plugins/common/hook_wrappers.h (shared by the plugins; tested here, in the Claude tests): each
// hook unwraps the account, calls the entry point, and turns what it throws into the hook's
// failure answer instead of letting it cross into the host.
#include "hook_wrappers.h"

#include <doctest/doctest.h>

#include <stdexcept>
#include <string>

using namespace relay::plugin_common;

namespace {

struct TestAccount {
  static constexpr uint64_t kLoginCallBit = uint64_t{1} << 63;
  bool fail = false;
  std::string seen;
};
using Hooks = AccountHooks<TestAccount>;

relay_plugin_account_t* handle(TestAccount& a) {
  return reinterpret_cast<relay_plugin_account_t*>(&a);
}

void throwIf(const TestAccount& a) {
  if (a.fail) throw std::runtime_error("boom");
}

int startRefresh(TestAccount& a, bool force) {
  throwIf(a);
  a.seen = force ? "refresh forced" : "refresh";
  return RELAY_OK;
}

void loginAnswer(TestAccount& a, uint64_t, const relay_http_response_t& r) {
  throwIf(a);
  a.seen = "login " + std::to_string(r.status);
}

void otherAnswer(TestAccount& a, uint64_t, const relay_http_response_t& r) {
  throwIf(a);
  a.seen = "other " + std::to_string(r.status);
}

int beginLogin(TestAccount& a, std::string_view state, std::string_view challenge, relay_error_t*) {
  throwIf(a);
  a.seen = std::string(state) + "/" + std::string(challenge);
  return RELAY_OK;
}

int prepare(TestAccount& a, relay_host_request_t*, const relay_request_view_t&, relay_error_t*) {
  throwIf(a);
  return RELAY_PREPARE_READY;
}

void classify(TestAccount& a, const relay_request_view_t&, const relay_answer_t&,
              relay_action_t* out) {
  throwIf(a);
  out->kind = RELAY_ACTION_SWITCH_ACCOUNT;
}

TestAccount* make(relay_host_account_t*, std::string_view type, std::string_view, relay_error_t*) {
  if (type == "bad") throw std::runtime_error("no memory");
  return new TestAccount;
}

}  // namespace

TEST_CASE("hook wrappers pass the call through to the entry point") {
  TestAccount a;
  CHECK(Hooks::refresh<startRefresh>(handle(a), 1) == RELAY_OK);
  CHECK(a.seen == "refresh forced");
  relay_http_response_t r{};
  r.status = 200;
  Hooks::onHttpDone<loginAnswer, otherAnswer>(handle(a), TestAccount::kLoginCallBit | 3, &r);
  CHECK(a.seen == "login 200");
  Hooks::onHttpDone<loginAnswer, otherAnswer>(handle(a), 3, &r);
  CHECK(a.seen == "other 200");
  CHECK(Hooks::loginBegin<beginLogin>(handle(a), relay_slice_t{"st", 2}, relay_slice_t{"ch", 2},
                                      nullptr) == RELAY_OK);
  CHECK(a.seen == "st/ch");
  relay_request_view_t request{};
  relay_answer_t answer{};
  relay_action_t action{};
  Hooks::classifyAnswer<classify>(handle(a), &request, &answer, &action);
  CHECK(action.kind == RELAY_ACTION_SWITCH_ACCOUNT);

  relay_plugin_account_t* made =
      Hooks::accountNew<make>(nullptr, relay_slice_t{"ok", 2}, relay_slice_t{"{}", 2}, nullptr);
  REQUIRE(made);
  Hooks::accountFree(made);
}

TEST_CASE("what an entry point throws becomes the hook's failure answer") {
  TestAccount a;
  a.fail = true;
  CHECK(Hooks::refresh<startRefresh>(handle(a), 0) == RELAY_ERROR);
  relay_http_response_t r{};
  Hooks::onHttpDone<loginAnswer, otherAnswer>(handle(a), 1, &r);  // logged, not thrown
  relay_error_t err{};
  CHECK(Hooks::loginBegin<beginLogin>(handle(a), {}, {}, &err) == RELAY_ERROR);
  CHECK(std::string(err.message) == std::string(logPrefix()) + ": login failed: boom");
  err = {};
  relay_request_view_t request{};
  CHECK(Hooks::prepare<prepare>(handle(a), nullptr, &request, &err) == RELAY_PREPARE_REJECT);
  CHECK(err.status == 500);
  CHECK(std::string(err.message).find("prepare failed: boom") != std::string::npos);
  relay_answer_t answer{};
  relay_action_t action{};
  action.kind = RELAY_ACTION_SWITCH_ACCOUNT;
  Hooks::classifyAnswer<classify>(handle(a), &request, &answer, &action);
  CHECK(action.kind == RELAY_ACTION_PASS_THROUGH);
  err = {};
  CHECK(Hooks::accountNew<make>(nullptr, relay_slice_t{"bad", 3}, {}, &err) == nullptr);
  CHECK(std::string(err.message).find("account_new failed: no memory") != std::string::npos);
}
