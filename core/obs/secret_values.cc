#include "core/obs/secret_values.h"

#include <algorithm>
#include <atomic>
#include <memory>
#include <mutex>
#include <vector>

namespace relay {
namespace {

constexpr size_t kMinSecretBytes = 6;
constexpr std::string_view kMask = "[REDACTED]";

using Values = std::vector<std::string>;

std::mutex g_mutex;
// Writers publish a new list and bump the generation; readers hold the one they took while they
// mask.
std::shared_ptr<const Values> g_values = std::make_shared<const Values>();
std::atomic<uint64_t> g_generation{1};

// Each thread keeps the list it took last and takes the lock again only when a writer published
// a new one (secrets are registered at start-up and when credentials change, not per line).
const Values& current() {
  thread_local uint64_t seen = 0;
  thread_local std::shared_ptr<const Values> mine;
  uint64_t now = g_generation.load(std::memory_order_acquire);
  if (now != seen) {
    std::lock_guard<std::mutex> lock(g_mutex);
    mine = g_values;
    seen = g_generation.load(std::memory_order_relaxed);
  }
  return *mine;
}

}  // namespace

void registerSecretValue(std::string_view value) {
  if (value.size() < kMinSecretBytes) return;
  std::lock_guard<std::mutex> lock(g_mutex);
  auto next = std::make_shared<Values>(*g_values);
  if (std::find(next->begin(), next->end(), value) != next->end()) return;
  next->emplace_back(value);
  // Longer first, so a secret that contains another is masked whole.
  std::sort(next->begin(), next->end(),
            [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  g_values = std::move(next);
  g_generation.fetch_add(1, std::memory_order_release);
}

std::string_view maskSecretValues(std::string_view text, std::string* scratch) {
  const Values& values = current();
  auto first = std::find_if(values.begin(), values.end(), [&](const std::string& v) {
    return text.find(v) != std::string_view::npos;
  });
  if (first == values.end()) return text;
  std::string& out = *scratch;
  out.assign(text);
  // Values before `first` do not occur in text, and no mask made them appear yet.
  for (auto v = first; v != values.end(); ++v) {
    for (size_t pos = out.find(*v); pos != std::string::npos;
         pos = out.find(*v, pos + kMask.size()))
      out.replace(pos, v->size(), kMask);
  }
  return out;
}

std::string maskSecretValues(std::string_view text) {
  std::string scratch;
  return std::string(maskSecretValues(text, &scratch));
}

void clearSecretValues() {
  std::lock_guard<std::mutex> lock(g_mutex);
  g_values = std::make_shared<const Values>();
  g_generation.fetch_add(1, std::memory_order_release);
}

}  // namespace relay
