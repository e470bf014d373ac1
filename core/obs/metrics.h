// A small Prometheus registry: counter, gauge and histogram families with label sets.
// Updating a series is a relaxed atomic. Finding one takes the family's mutex only the first time
// a thread asks for that label set: each thread keeps the handles it resolved in its own cache,
// so a hot path that calls `with(...)` per request takes no lock.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/obs/metrics_writer.h"

namespace relay {

// A handle to one counter series; valid as long as its registry. A default one does nothing.
class Counter {
 public:
  Counter() = default;
  explicit Counter(std::atomic<uint64_t>* cell) : cell_(cell) {}
  void inc(uint64_t n = 1) const {
    if (cell_ != nullptr) cell_->fetch_add(n, std::memory_order_relaxed);
  }
  uint64_t value() const { return cell_ ? cell_->load(std::memory_order_relaxed) : 0; }

 private:
  std::atomic<uint64_t>* cell_ = nullptr;
};

class Gauge {
 public:
  Gauge() = default;
  explicit Gauge(std::atomic<double>* cell) : cell_(cell) {}
  void set(double v) const {
    if (cell_ != nullptr) cell_->store(v, std::memory_order_relaxed);
  }
  void add(double delta) const {
    if (cell_ != nullptr) cell_->fetch_add(delta, std::memory_order_relaxed);
  }
  void inc() const { add(1); }
  void dec() const { add(-1); }
  double value() const { return cell_ ? cell_->load(std::memory_order_relaxed) : 0; }

 private:
  std::atomic<double>* cell_ = nullptr;
};

// Per-series histogram state; buckets are stored per interval and summed when rendered.
struct HistogramCells {
  explicit HistogramCells(size_t bucket_count);
  size_t bucket_count;  // bounds plus the +Inf bucket
  std::unique_ptr<std::atomic<uint64_t>[]> buckets;
  std::atomic<double> sum{0};
};

class Histogram {
 public:
  Histogram() = default;
  Histogram(const std::vector<double>* bounds, HistogramCells* cells)
      : bounds_(bounds), cells_(cells) {}
  void observe(double value) const;

 private:
  const std::vector<double>* bounds_ = nullptr;
  HistogramCells* cells_ = nullptr;
};

// Orders label-value lists of different string types (stored keys vs. lookups) alike.
struct LabelValuesLess {
  using is_transparent = void;
  template <class A, class B>
  bool operator()(const A& a, const B& b) const {
    return std::lexicographical_compare(
        a.begin(), a.end(), b.begin(), b.end(),
        [](std::string_view x, std::string_view y) { return x < y; });
  }
};

// Label values being looked up, without copying them into strings.
struct LabelValuesView {
  const std::string_view* first;
  const std::string_view* last;
  const std::string_view* begin() const { return first; }
  const std::string_view* end() const { return last; }
};

// The calling thread's cache of resolved series: (family id, label values) -> cell. Family ids
// are never reused, so a registry that goes away (tests) leaves only unreachable entries.
void* findCachedSeries(uint64_t family_id, LabelValuesView values);
void cacheSeries(uint64_t family_id, LabelValuesView values, void* cell);

class MetricFamily {
 public:
  MetricFamily(std::string name, std::string help, MetricType type,
               std::vector<std::string> label_names);
  virtual ~MetricFamily() = default;
  virtual void render(MetricsWriter& writer) const = 0;

  const std::string& name() const { return name_; }
  MetricType type() const { return type_; }
  const std::vector<std::string>& labelNames() const { return label_names_; }

 protected:
  // Throws std::invalid_argument when the count differs from the label names.
  void checkArity(size_t count) const;
  MetricLabels labelsFor(const std::vector<std::string>& values) const;

  std::string name_;
  std::string help_;
  MetricType type_;
  std::vector<std::string> label_names_;
  uint64_t id_;            // unique for the process's lifetime (the thread caches' key)
  mutable std::mutex mu_;  // guards each subclass's series map
};

// Series of one family keyed by label values; cells never move once created.
template <class Cell>
class SeriesFamily : public MetricFamily {
 public:
  using MetricFamily::MetricFamily;

 protected:
  template <class MakeCell>
  Cell* findOrCreate(LabelValuesView values, MakeCell make) {
    if (void* cached = findCachedSeries(id_, values)) return static_cast<Cell*>(cached);
    checkArity(static_cast<size_t>(values.end() - values.begin()));
    Cell* cell;
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto it = series_.find(values);
      if (it == series_.end()) {
        std::vector<std::string> key(values.begin(), values.end());
        it = series_.emplace(std::move(key), make()).first;
      }
      cell = it->second.get();
    }
    cacheSeries(id_, values, cell);
    return cell;
  }

  std::map<std::vector<std::string>, std::unique_ptr<Cell>, LabelValuesLess> series_;
};

class CounterFamily : public SeriesFamily<std::atomic<uint64_t>> {
 public:
  using SeriesFamily::SeriesFamily;
  // Label values in the order of the family's label names.
  Counter with(std::initializer_list<std::string_view> values);
  Counter with(const std::vector<std::string_view>& values);
  void render(MetricsWriter& writer) const override;
};

class GaugeFamily : public SeriesFamily<std::atomic<double>> {
 public:
  using SeriesFamily::SeriesFamily;
  Gauge with(std::initializer_list<std::string_view> values);
  Gauge with(const std::vector<std::string_view>& values);
  void render(MetricsWriter& writer) const override;
};

class HistogramFamily : public SeriesFamily<HistogramCells> {
 public:
  HistogramFamily(std::string name, std::string help, std::vector<std::string> label_names,
                  std::vector<double> bounds);
  Histogram with(std::initializer_list<std::string_view> values);
  Histogram with(const std::vector<std::string_view>& values);
  void render(MetricsWriter& writer) const override;
  const std::vector<double>& bounds() const { return bounds_; }

 private:
  std::vector<double> bounds_;
};

using MetricsCollector = std::function<void(MetricsWriter&)>;

class MetricsRegistry {
 public:
  // Registering a name again with the same type and labels returns the same family; anything
  // else (bad names, a counter without `_total`, unsorted buckets) throws std::invalid_argument.
  CounterFamily& counter(const std::string& name, const std::string& help,
                         std::vector<std::string> label_names = {});
  GaugeFamily& gauge(const std::string& name, const std::string& help,
                     std::vector<std::string> label_names = {});
  HistogramFamily& histogram(const std::string& name, const std::string& help,
                             std::vector<std::string> label_names, std::vector<double> bounds);
  // Called at every render, after the families, to write state owned elsewhere.
  void addCollector(MetricsCollector collector);
  std::string render() const;

 private:
  MetricFamily* findLocked(const std::string& name, MetricType type,
                           const std::vector<std::string>& label_names) const;
  void checkNew(const std::string& name, const std::vector<std::string>& label_names) const;

  mutable std::mutex mu_;
  std::vector<std::unique_ptr<MetricFamily>> families_;
  std::vector<MetricsCollector> collectors_;
};

// The process-wide registry that /metrics renders.
MetricsRegistry& defaultMetricsRegistry();
void addCollector(MetricsCollector collector);
std::string renderMetrics();

}  // namespace relay
