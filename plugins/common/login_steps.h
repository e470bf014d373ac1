// The steps of `relay-server login` (ABI 1.2 login hooks) that every in-tree plugin with an
// OAuth login takes alike: handing the host the authorize URL, and posting the
// authorization-code exchange to the token endpoint.
#ifndef RELAY_PLUGINS_COMMON_LOGIN_STEPS_H
#define RELAY_PLUGINS_COMMON_LOGIN_STEPS_H

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "host_calls.h"
#include "relay_plugin.h"

namespace relay::plugin_common {

// login_begin: an account of api_kind (oauth false: it uses an api_key) cannot log in, and err
// says so; otherwise the host shows url (RELAY_ERROR when it offers no login_url).
inline int offerAuthorizeUrl(relay_host_account_t* account, bool oauth, std::string_view api_kind,
                             std::string_view url, relay_error_t* err) {
  if (!oauth) {
    if (err)
      copyText(err->message, sizeof err->message,
               std::string(api_kind) + " accounts use an api_key");
    return RELAY_ERROR;
  }
  const relay_host_t* h = host();
  if (!h || !RELAY_HOST_HAS(h, login_url)) return RELAY_ERROR;
  return h->login_url(account, toSlice(url));
}

// login_exchange: posts body to token_url under a new login call id of the account
// (Account::beginLogin, given up with endLogin when the host refuses the call); the answer comes
// to on_http_done with that id.
template <class Account>
int postCodeExchange(Account& account, std::string_view token_url, const relay_header_t* headers,
                     size_t header_count, std::string_view body) {
  uint64_t call_id = account.beginLogin();
  if (httpCall(account.hostAccount(), "POST", token_url, headers, header_count, body, call_id) !=
      RELAY_OK) {
    account.endLogin(call_id);
    return RELAY_ERROR;
  }
  return RELAY_OK;
}

}  // namespace relay::plugin_common

#endif
