// The models a Gemini account offers (list_models answers without I/O).
#ifndef RELAY_PLUGINS_GEMINI_GEMINI_MODELS_H
#define RELAY_PLUGINS_GEMINI_GEMINI_MODELS_H

#include "relay_plugin.h"

namespace relay::gemini {

int listModels(relay_host_model_list_t* list);

}  // namespace relay::gemini

#endif
