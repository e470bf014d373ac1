#include "gemini_models.h"

#include "gemini_host.h"

namespace relay::gemini {

namespace {

struct GeminiModel {
  const char* id;
  const char* display_name;
};

const GeminiModel kModels[] = {
    {"gemini-2.5-pro", "Gemini 2.5 Pro"},
    {"gemini-2.5-flash", "Gemini 2.5 Flash"},
    {"gemini-2.5-flash-lite", "Gemini 2.5 Flash-Lite"},
    {"gemini-2.0-flash", "Gemini 2.0 Flash"},
};

}  // namespace

int listModels(relay_host_model_list_t* list) {
  const relay_host_t* h = host();
  if (!h || !RELAY_HOST_HAS(h, add_model)) return RELAY_UNSUPPORTED;
  for (const GeminiModel& m : kModels) {
    if (h->add_model(list, toSlice(m.id), toSlice(m.display_name)) != RELAY_OK) return RELAY_ERROR;
  }
  return RELAY_OK;
}

}  // namespace relay::gemini
