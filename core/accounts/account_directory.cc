#include "core/accounts/account_directory.h"

#include <algorithm>

namespace relay {

void AccountDirectory::load(const std::vector<AccountConfig>& accounts,
                            const ProviderOf& provider_of) {
  entries_.clear();
  for (const auto& a : accounts)
    entries_.push_back(
        AccountEntry{a.id, a.name, a.type, provider_of(a.type), a.priority, a.enabled});
}

std::vector<const AccountEntry*> AccountDirectory::usable(const std::string& provider) const {
  std::vector<const AccountEntry*> out;
  for (const auto& e : entries_)
    if (e.enabled && e.provider == provider) out.push_back(&e);
  std::stable_sort(out.begin(), out.end(), [](const AccountEntry* a, const AccountEntry* b) {
    return a->priority > b->priority;
  });
  return out;
}

std::map<std::string, std::map<std::string, int>> AccountDirectory::summary() const {
  std::map<std::string, std::map<std::string, int>> out;
  for (const auto& e : entries_) out[e.provider][e.enabled ? "active" : "disabled"]++;
  return out;
}

}  // namespace relay
