#include "lab/metrics_log.hpp"

namespace lab {

const std::array<MetricColumn, kNumMetrics>& metricColumns() {
  static const std::array<MetricColumn, kNumMetrics> columns = {{
      {"t", MetricUnit::Ns, {"time", "时间"}},
      {"goroutines", MetricUnit::Count, {"goroutines", "goroutine"}},
      {"heapInuse", MetricUnit::Bytes, {"inuse", "inuse"}},
      {"heapMarked", MetricUnit::Bytes, {"marked", "marked"}},
      {"heapLive", MetricUnit::Bytes, {"live", "live"}},
      {"heapGoal", MetricUnit::Bytes, {"goal", "goal"}},
      {"gcCycles", MetricUnit::Count, {"gc", "gc"}},
      {"gcPauses", MetricUnit::Count, {"stw", "stw"}},
      {"gcPauseP99", MetricUnit::Ns, {"stw p99", "stw p99"}},
      {"otherPauses", MetricUnit::Count, {"other stw", "其它 stw"}},
      {"otherPauseP99", MetricUnit::Ns, {"other p99", "其它 p99"}},
      {"schedLatP50", MetricUnit::Ns, {"sched p50", "调度 p50"}},
      {"schedLatP99", MetricUnit::Ns, {"sched p99", "调度 p99"}},
      {"requests", MetricUnit::Count, {"reqs", "请求"}},
      {"timeouts", MetricUnit::Count, {"timeouts", "超时"}},
      {"reqP50", MetricUnit::Ns, {"req p50", "请求 p50"}},
      {"reqP99", MetricUnit::Ns, {"req p99", "请求 p99"}},
      {"reqP999", MetricUnit::Ns, {"req p999", "请求 p999"}},
      {"timerLateP99", MetricUnit::Ns, {"timer p99", "定时器 p99"}},
  }};
  return columns;
}

MetricsLog::MetricsLog(const MetricsLog& o) { *this = o; }

MetricsLog& MetricsLog::operator=(const MetricsLog& o) {
  if (this == &o) return *this;
  std::scoped_lock g(mu_, o.mu_);
  rows_ = o.rows_;
  periodNs_ = o.periodNs_;
  samples_ = o.samples_;
  stride_ = o.stride_;
  return *this;
}

void MetricsLog::append(const MetricsRow& row, bool last) {
  std::lock_guard<std::mutex> g(mu_);
  const uint64_t index = samples_++;
  if (!last && index % stride_ != 0) return;
  if (rows_.size() >= kMaxRows) {
    // Keep the rows of samples 0, 2*stride, 4*stride...: every other one.
    size_t kept = 0;
    for (size_t i = 0; i < rows_.size(); i += 2) rows_[kept++] = rows_[i];
    rows_.resize(kept);
    stride_ *= 2;
    if (!last && index % stride_ != 0) return;
  }
  rows_.push_back(row);
}

std::vector<MetricsRow> MetricsLog::rows() const {
  std::lock_guard<std::mutex> g(mu_);
  return rows_;
}

size_t MetricsLog::size() const {
  std::lock_guard<std::mutex> g(mu_);
  return rows_.size();
}

void MetricsLog::setPeriod(int64_t ns) {
  std::lock_guard<std::mutex> g(mu_);
  periodNs_ = ns;
}

int64_t MetricsLog::period() const {
  std::lock_guard<std::mutex> g(mu_);
  return periodNs_;
}

uint64_t MetricsLog::stride() const {
  std::lock_guard<std::mutex> g(mu_);
  return stride_;
}

}  // namespace lab
