#include "claude_models.h"

#include "host_api.h"

namespace relay::claude {

const ClaudeModel kClaudeModels[] = {
    {"claude-opus-4-5", "Claude Opus 4.5"},
    {"claude-opus-4-1", "Claude Opus 4.1"},
    {"claude-opus-4-20250514", "Claude Opus 4"},
    {"claude-sonnet-4-5", "Claude Sonnet 4.5"},
    {"claude-sonnet-4-20250514", "Claude Sonnet 4"},
    {"claude-haiku-4-5", "Claude Haiku 4.5"},
    {"claude-3-7-sonnet-20250219", "Claude Sonnet 3.7"},
    {"claude-3-5-haiku-20241022", "Claude Haiku 3.5"},
};
const size_t kClaudeModelCount = sizeof(kClaudeModels) / sizeof(kClaudeModels[0]);

int listModels(relay_host_model_list_t* list) {
  const relay_host_t* h = host();
  if (!h || !RELAY_HOST_HAS(h, add_model)) return RELAY_UNSUPPORTED;
  for (size_t i = 0; i < kClaudeModelCount; ++i) {
    const ClaudeModel& m = kClaudeModels[i];
    if (h->add_model(list, toSlice(m.id), toSlice(m.display_name)) != RELAY_OK) return RELAY_ERROR;
  }
  return RELAY_OK;
}

}  // namespace relay::claude
