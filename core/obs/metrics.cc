#include "core/obs/metrics.h"

#include <stdexcept>
#include <unordered_map>

namespace relay {
namespace {

std::atomic<uint64_t> g_next_family_id{1};

// Per thread: the series this thread resolved. The key is the family id followed by each label
// value with its length in front, so no two label sets share a key.
struct SeriesCache {
  std::string scratch;
  std::unordered_map<std::string, void*> cells;

  const std::string& keyFor(uint64_t family_id, LabelValuesView values) {
    scratch.clear();
    scratch.append(reinterpret_cast<const char*>(&family_id), sizeof family_id);
    for (std::string_view v : values) {
      auto n = static_cast<uint32_t>(v.size());
      scratch.append(reinterpret_cast<const char*>(&n), sizeof n);
      scratch.append(v);
    }
    return scratch;
  }
};

SeriesCache& threadSeriesCache() {
  thread_local SeriesCache cache;
  return cache;
}

LabelValuesView viewOf(std::initializer_list<std::string_view> values) {
  return {values.begin(), values.end()};
}

}  // namespace

void* findCachedSeries(uint64_t family_id, LabelValuesView values) {
  SeriesCache& cache = threadSeriesCache();
  auto it = cache.cells.find(cache.keyFor(family_id, values));
  return it == cache.cells.end() ? nullptr : it->second;
}

void cacheSeries(uint64_t family_id, LabelValuesView values, void* cell) {
  SeriesCache& cache = threadSeriesCache();
  cache.cells.emplace(cache.keyFor(family_id, values), cell);
}

HistogramCells::HistogramCells(size_t count)
    : bucket_count(count), buckets(new std::atomic<uint64_t>[count]) {
  for (size_t i = 0; i < count; ++i) buckets[i].store(0, std::memory_order_relaxed);
}

void Histogram::observe(double value) const {
  if (cells_ == nullptr) return;
  // Bucket i counts values in (bounds[i-1], bounds[i]]; the last one is +Inf.
  size_t index = static_cast<size_t>(std::lower_bound(bounds_->begin(), bounds_->end(), value) -
                                     bounds_->begin());
  cells_->buckets[index].fetch_add(1, std::memory_order_relaxed);
  cells_->sum.fetch_add(value, std::memory_order_relaxed);
}

MetricFamily::MetricFamily(std::string name, std::string help, MetricType type,
                           std::vector<std::string> label_names)
    : name_(std::move(name)),
      help_(std::move(help)),
      type_(type),
      label_names_(std::move(label_names)),
      id_(g_next_family_id.fetch_add(1, std::memory_order_relaxed)) {}

void MetricFamily::checkArity(size_t count) const {
  if (count != label_names_.size()) {
    throw std::invalid_argument("metric " + name_ + " takes " +
                                std::to_string(label_names_.size()) + " label values, got " +
                                std::to_string(count));
  }
}

MetricLabels MetricFamily::labelsFor(const std::vector<std::string>& values) const {
  MetricLabels labels;
  labels.reserve(values.size());
  for (size_t i = 0; i < values.size(); ++i) labels.emplace_back(label_names_[i], values[i]);
  return labels;
}

Counter CounterFamily::with(std::initializer_list<std::string_view> values) {
  return Counter(
      findOrCreate(viewOf(values), [] { return std::make_unique<std::atomic<uint64_t>>(0); }));
}

Counter CounterFamily::with(const std::vector<std::string_view>& values) {
  return Counter(findOrCreate({values.data(), values.data() + values.size()},
                              [] { return std::make_unique<std::atomic<uint64_t>>(0); }));
}

void CounterFamily::render(MetricsWriter& writer) const {
  writer.header(name_, help_, type_);
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [values, cell] : series_) {
    writer.sample(name_, labelsFor(values),
                  static_cast<double>(cell->load(std::memory_order_relaxed)));
  }
}

Gauge GaugeFamily::with(std::initializer_list<std::string_view> values) {
  return Gauge(
      findOrCreate(viewOf(values), [] { return std::make_unique<std::atomic<double>>(0); }));
}

Gauge GaugeFamily::with(const std::vector<std::string_view>& values) {
  return Gauge(findOrCreate({values.data(), values.data() + values.size()},
                            [] { return std::make_unique<std::atomic<double>>(0); }));
}

void GaugeFamily::render(MetricsWriter& writer) const {
  writer.header(name_, help_, type_);
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [values, cell] : series_) {
    writer.sample(name_, labelsFor(values), cell->load(std::memory_order_relaxed));
  }
}

HistogramFamily::HistogramFamily(std::string name, std::string help,
                                 std::vector<std::string> label_names, std::vector<double> bounds)
    : SeriesFamily(std::move(name), std::move(help), MetricType::kHistogram,
                   std::move(label_names)),
      bounds_(std::move(bounds)) {}

Histogram HistogramFamily::with(std::initializer_list<std::string_view> values) {
  size_t count = bounds_.size() + 1;
  return Histogram(&bounds_, findOrCreate(viewOf(values), [count] {
    return std::make_unique<HistogramCells>(count);
  }));
}

Histogram HistogramFamily::with(const std::vector<std::string_view>& values) {
  size_t count = bounds_.size() + 1;
  return Histogram(&bounds_, findOrCreate({values.data(), values.data() + values.size()}, [count] {
    return std::make_unique<HistogramCells>(count);
  }));
}

void HistogramFamily::render(MetricsWriter& writer) const {
  writer.header(name_, help_, type_);
  const std::string bucket = name_ + "_bucket";
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [values, cells] : series_) {
    MetricLabels labels = labelsFor(values);
    uint64_t cumulative = 0;
    for (size_t i = 0; i < cells->bucket_count; ++i) {
      cumulative += cells->buckets[i].load(std::memory_order_relaxed);
      std::string le = i < bounds_.size() ? formatMetricValue(bounds_[i]) : "+Inf";
      writer.sample(bucket, labels, "le", le, static_cast<double>(cumulative));
    }
    writer.sample(name_ + "_sum", labels, cells->sum.load(std::memory_order_relaxed));
    // The count is the +Inf bucket, so the two always agree even mid-update.
    writer.sample(name_ + "_count", labels, static_cast<double>(cumulative));
  }
}

}  // namespace relay
