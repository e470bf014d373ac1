#include <cmath>
#include <stdexcept>

#include "core/obs/metrics.h"

namespace relay {
namespace {

bool endsWith(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

void checkBounds(const std::string& name, const std::vector<double>& bounds) {
  for (size_t i = 0; i < bounds.size(); ++i) {
    if (!std::isfinite(bounds[i]) || (i > 0 && bounds[i] <= bounds[i - 1])) {
      throw std::invalid_argument("histogram " + name +
                                  ": bucket bounds must be finite and strictly increasing");
    }
  }
}

}  // namespace

MetricFamily* MetricsRegistry::findLocked(const std::string& name, MetricType type,
                                          const std::vector<std::string>& label_names) const {
  for (const auto& family : families_) {
    if (family->name() != name) continue;
    if (family->type() != type || family->labelNames() != label_names) {
      throw std::invalid_argument("metric " + name +
                                  " is already registered with another type or labels");
    }
    return family.get();
  }
  return nullptr;
}

void MetricsRegistry::checkNew(const std::string& name,
                               const std::vector<std::string>& label_names) const {
  if (!isValidMetricName(name)) throw std::invalid_argument("invalid metric name: " + name);
  for (const std::string& label : label_names) {
    if (!isValidLabelName(label) || label == "le") {
      throw std::invalid_argument("metric " + name + ": invalid label name: " + label);
    }
  }
}

CounterFamily& MetricsRegistry::counter(const std::string& name, const std::string& help,
                                        std::vector<std::string> label_names) {
  checkNew(name, label_names);
  if (!endsWith(name, "_total")) {
    throw std::invalid_argument("counter " + name + " must end in _total");
  }
  std::lock_guard<std::mutex> lock(mu_);
  if (auto* found = findLocked(name, MetricType::kCounter, label_names)) {
    return static_cast<CounterFamily&>(*found);
  }
  auto family = std::make_unique<CounterFamily>(name, help, MetricType::kCounter, label_names);
  if (label_names.empty()) family->with({});  // a label-less series is rendered from the start
  families_.push_back(std::move(family));
  return static_cast<CounterFamily&>(*families_.back());
}

GaugeFamily& MetricsRegistry::gauge(const std::string& name, const std::string& help,
                                    std::vector<std::string> label_names) {
  checkNew(name, label_names);
  std::lock_guard<std::mutex> lock(mu_);
  if (auto* found = findLocked(name, MetricType::kGauge, label_names)) {
    return static_cast<GaugeFamily&>(*found);
  }
  auto family = std::make_unique<GaugeFamily>(name, help, MetricType::kGauge, label_names);
  if (label_names.empty()) family->with({});
  families_.push_back(std::move(family));
  return static_cast<GaugeFamily&>(*families_.back());
}

HistogramFamily& MetricsRegistry::histogram(const std::string& name, const std::string& help,
                                            std::vector<std::string> label_names,
                                            std::vector<double> bounds) {
  checkNew(name, label_names);
  checkBounds(name, bounds);
  std::lock_guard<std::mutex> lock(mu_);
  if (auto* found = findLocked(name, MetricType::kHistogram, label_names)) {
    auto& existing = static_cast<HistogramFamily&>(*found);
    if (existing.bounds() != bounds) {
      throw std::invalid_argument("histogram " + name +
                                  " is already registered with other buckets");
    }
    return existing;
  }
  auto family = std::make_unique<HistogramFamily>(name, help, label_names, std::move(bounds));
  if (label_names.empty()) family->with({});
  families_.push_back(std::move(family));
  return static_cast<HistogramFamily&>(*families_.back());
}

void MetricsRegistry::addCollector(MetricsCollector collector) {
  std::lock_guard<std::mutex> lock(mu_);
  collectors_.push_back(std::move(collector));
}

std::string MetricsRegistry::render() const {
  // Copied out so collectors may register metrics without deadlocking; families never go away.
  std::vector<const MetricFamily*> families;
  std::vector<MetricsCollector> collectors;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& family : families_) families.push_back(family.get());
    collectors = collectors_;
  }
  MetricsWriter writer;
  for (const MetricFamily* family : families) family->render(writer);
  for (const MetricsCollector& collector : collectors) collector(writer);
  return writer.take();
}

MetricsRegistry& defaultMetricsRegistry() {
  static MetricsRegistry* registry = new MetricsRegistry();
  return *registry;
}

void addCollector(MetricsCollector collector) {
  defaultMetricsRegistry().addCollector(std::move(collector));
}

std::string renderMetrics() {
  return defaultMetricsRegistry().render();
}

}  // namespace relay
