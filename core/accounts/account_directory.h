// The configured accounts as the router sees them: which provider serves each, and whether
// it may be used. The account pool (state, cooldowns, credentials) builds on this.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "core/config/config.h"

namespace relay {

struct AccountEntry {
  std::string id;
  std::string name;
  std::string type;
  std::string provider;
  int priority = 0;
  bool enabled = true;
};

class AccountDirectory {
 public:
  using ProviderOf = std::function<std::string(const std::string& account_type)>;

  void load(const std::vector<AccountConfig>& accounts, const ProviderOf& provider_of);
  // Enabled accounts of `provider`, highest priority first.
  std::vector<const AccountEntry*> usable(const std::string& provider) const;
  // provider -> state -> count, for /health.
  std::map<std::string, std::map<std::string, int>> summary() const;
  const std::vector<AccountEntry>& all() const { return entries_; }

 private:
  std::vector<AccountEntry> entries_;
};

}  // namespace relay
