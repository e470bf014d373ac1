// Prometheus text exposition format 0.0.4: the writer that registries and collectors render to.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace relay {

using MetricLabels = std::vector<std::pair<std::string, std::string>>;

enum class MetricType { kCounter, kGauge, kHistogram };
const char* metricTypeName(MetricType type);

// [a-zA-Z_:][a-zA-Z0-9_:]*
bool isValidMetricName(std::string_view name);
// [a-zA-Z_][a-zA-Z0-9_]*, not starting with "__" (reserved).
bool isValidLabelName(std::string_view name);

// Shortest text that reads back as the same double; "+Inf", "-Inf", "NaN".
std::string formatMetricValue(double value);

class MetricsWriter {
 public:
  // `# HELP name help` and `# TYPE name type`. A family's samples must follow its header.
  void header(std::string_view name, std::string_view help, MetricType type);
  // `name{k="v",...} value`; label values are escaped.
  void sample(std::string_view name, const MetricLabels& labels, double value);
  // Same, with one extra label last (histogram `le`).
  void sample(std::string_view name, const MetricLabels& labels, std::string_view extra_name,
              std::string_view extra_value, double value);

  // A whole single-sample gauge family, the common collector case.
  void gauge(std::string_view name, std::string_view help, const MetricLabels& labels,
             double value);

  const std::string& text() const { return out_; }
  std::string take() { return std::move(out_); }

 private:
  void appendLabel(std::string_view name, std::string_view value, bool first);

  std::string out_;
};

}  // namespace relay
