#include "core/obs/metrics_writer.h"

#include <charconv>
#include <cmath>
#include <cstdint>

namespace relay {
namespace {

bool isAlpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool isDigit(char c) {
  return c >= '0' && c <= '9';
}

void appendEscaped(std::string& out, std::string_view text, bool escape_quote) {
  for (char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '"' && escape_quote) {
      out += "\\\"";
    } else {
      out.push_back(c);
    }
  }
}

}  // namespace

const char* metricTypeName(MetricType type) {
  switch (type) {
    case MetricType::kCounter:
      return "counter";
    case MetricType::kGauge:
      return "gauge";
    case MetricType::kHistogram:
      return "histogram";
  }
  return "untyped";
}

bool isValidMetricName(std::string_view name) {
  if (name.empty() || isDigit(name[0])) return false;
  for (char c : name) {
    if (!isAlpha(c) && !isDigit(c) && c != '_' && c != ':') return false;
  }
  return true;
}

bool isValidLabelName(std::string_view name) {
  if (name.empty() || isDigit(name[0]) || name.substr(0, 2) == "__") return false;
  for (char c : name) {
    if (!isAlpha(c) && !isDigit(c) && c != '_') return false;
  }
  return true;
}

std::string formatMetricValue(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  char buf[32];
  // Counts print as integers ("200000", not the shorter "2e+05").
  if (value == std::trunc(value) && std::fabs(value) < 1e15) {
    auto result = std::to_chars(buf, buf + sizeof(buf), static_cast<int64_t>(value));
    return std::string(buf, result.ptr);
  }
  auto result = std::to_chars(buf, buf + sizeof(buf), value);
  return std::string(buf, result.ptr);
}

void MetricsWriter::header(std::string_view name, std::string_view help, MetricType type) {
  out_ += "# HELP ";
  out_ += name;
  out_.push_back(' ');
  appendEscaped(out_, help, false);
  out_ += "\n# TYPE ";
  out_ += name;
  out_.push_back(' ');
  out_ += metricTypeName(type);
  out_.push_back('\n');
}

void MetricsWriter::appendLabel(std::string_view name, std::string_view value, bool first) {
  out_.push_back(first ? '{' : ',');
  out_ += name;
  out_ += "=\"";
  appendEscaped(out_, value, true);
  out_.push_back('"');
}

void MetricsWriter::sample(std::string_view name, const MetricLabels& labels, double value) {
  sample(name, labels, {}, {}, value);
}

void MetricsWriter::sample(std::string_view name, const MetricLabels& labels,
                           std::string_view extra_name, std::string_view extra_value,
                           double value) {
  out_ += name;
  bool first = true;
  for (const auto& [label, label_value] : labels) {
    appendLabel(label, label_value, first);
    first = false;
  }
  if (!extra_name.empty()) {
    appendLabel(extra_name, extra_value, first);
    first = false;
  }
  if (!first) out_.push_back('}');
  out_.push_back(' ');
  out_ += formatMetricValue(value);
  out_.push_back('\n');
}

void MetricsWriter::gauge(std::string_view name, std::string_view help, const MetricLabels& labels,
                          double value) {
  header(name, help, MetricType::kGauge);
  sample(name, labels, value);
}

}  // namespace relay
