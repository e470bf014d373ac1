#include "core/formats/model_path.h"

namespace relay::formats {

PathModel modelFromPath(WireFormat format, std::string_view path) {
  PathModel out;
  if (format != WireFormat::Gemini) return out;
  // "/gemini/v1beta/models/gemini-2.5-pro:streamGenerateContent" -> model and method.
  auto m = path.find("/models/");
  if (m == std::string_view::npos) return out;
  std::string_view rest = path.substr(m + 8);
  auto colon = rest.find(':');
  out.model = std::string(rest.substr(0, colon));
  if (colon != std::string_view::npos)
    out.stream = rest.substr(colon + 1) == "streamGenerateContent";
  return out;
}

}  // namespace relay::formats
