#include "core/accounts/account_table.h"

#include <time.h>

#include <algorithm>
#include <array>

namespace relay {
namespace {

constexpr size_t kColumns = 11;
constexpr size_t kMaxCell = 60;
using Row = std::array<std::string, kColumns>;

// One line per cell, bounded, so a long upstream message cannot wreck the table.
std::string cell(std::string text) {
  std::replace_if(
      text.begin(), text.end(), [](unsigned char c) { return c < 0x20 || c == 0x7f; }, ' ');
  if (text.size() > kMaxCell) text = text.substr(0, kMaxCell - 3) + "...";
  return text.empty() ? "-" : text;
}

std::string familyLimits(const AccountHealth& health) {
  std::string out;
  for (const auto& [family, until] : health.family_until) {
    if (!out.empty()) out += ", ";
    out += family + "=" + isoTimeUtc(until);
  }
  return out.empty() ? "-" : out;
}

std::string stateReason(const AccountSnapshot& account) {
  switch (account.state) {
    case AccountState::kDisabled:
      return account.health.disabled_reason;
    case AccountState::kCooldown:
      return account.health.cooldown_reason;
    case AccountState::kUnconfiguredDisabled:
      return "enabled: false";
    default:
      return "";
  }
}

// "-" for an account without tokens (an API key); "unknown" when a token's expiry is not known.
std::string tokenExpiry(const AccountHealth& health) {
  if (health.token_expires_at > 0) return isoTimeUtc(health.token_expires_at);
  return health.token_based ? "unknown" : "-";
}

Row rowFor(const AccountSnapshot& account) {
  const AccountHealth& health = account.health;
  bool cooling = account.state == AccountState::kCooldown;
  return {cell(account.id),
          cell(account.type),
          std::to_string(account.priority),
          accountStateName(account.state),
          cooling ? isoTimeUtc(health.cooldown_until) : "-",
          cell(stateReason(account)),
          familyLimits(health),
          std::to_string(health.consecutive_failures),
          std::to_string(health.ejection_level),
          tokenExpiry(health),
          cell(health.last_error)};
}

void appendRow(const Row& row, const std::array<size_t, kColumns>& widths, std::string& out) {
  for (size_t i = 0; i < kColumns; ++i) {
    out += row[i];
    if (i + 1 == kColumns) break;
    out.append(widths[i] - row[i].size() + 2, ' ');
  }
  out += '\n';
}

}  // namespace

std::string isoTimeUtc(int64_t unix_ms) {
  if (unix_ms <= 0) return "-";
  time_t seconds = static_cast<time_t>(unix_ms / 1000);
  struct tm parts {};
  gmtime_r(&seconds, &parts);
  char text[32];
  strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &parts);
  return text;
}

std::string formatAccountTable(const std::vector<AccountSnapshot>& accounts) {
  std::vector<Row> rows{{"ID", "TYPE", "PRIORITY", "STATE", "UNTIL", "REASON", "FAMILY-LIMITS",
                         "FAILURES", "EJECTIONS", "TOKEN-EXPIRES", "LAST-ERROR"}};
  for (const AccountSnapshot& account : accounts) rows.push_back(rowFor(account));
  std::array<size_t, kColumns> widths{};
  for (const Row& row : rows) {
    for (size_t i = 0; i < kColumns; ++i) widths[i] = std::max(widths[i], row[i].size());
  }
  std::string out;
  for (const Row& row : rows) appendRow(row, widths, out);
  return out;
}

}  // namespace relay
