// The static Claude model list served by list_models (no I/O).
#ifndef RELAY_PLUGINS_CLAUDE_CLAUDE_MODELS_H
#define RELAY_PLUGINS_CLAUDE_CLAUDE_MODELS_H

#include <cstddef>

#include "relay_plugin.h"

namespace relay::claude {

struct ClaudeModel {
  const char* id;
  const char* display_name;
};

extern const ClaudeModel kClaudeModels[];
extern const size_t kClaudeModelCount;

int listModels(relay_host_model_list_t* list);

}  // namespace relay::claude

#endif
