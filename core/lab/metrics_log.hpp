// The runtime metrics a program sampled over its run: one row per sample,
// taken by a goroutine of the program (the service scenario's sampler, as
// statsviz or a Prometheus exporter samples a Go service), read by the
// `metrics` command and the page's metrics view while the run goes on.
//
// A row holds the values at the moment of the sample (goroutines, heap
// sizes) and, for distributions, quantiles over the window since the
// previous sample (the difference of two histogram readings, as a
// dashboard computes rates from Go's cumulative runtime/metrics).
#pragma once

#include <array>
#include <cstdint>
#include <mutex>
#include <string_view>
#include <vector>

#include "lab/shell/command.hpp"

namespace lab {

enum class Metric : uint8_t {
  T,              // ns since the run's start
  Goroutines,     // /sched/goroutines:goroutines
  HeapInuse,      // MemStats.HeapInuse
  HeapMarked,     // marked live by the last cycle (Go 1.21 /gc/heap/live:bytes)
  HeapLive,       // gcController.heapLive: marked + allocated since
  HeapGoal,       // /gc/heap/goal:bytes
  GcCycles,       // /gc/cycles/total:gc-cycles (since the start)
  GcPauses,       // stop-the-world pauses in the window
  GcPauseP99,     // /gc/pauses:seconds, window
  OtherPauses,    // stop-the-worlds not the GC's in the window (Go 1.22 /sched/pauses/total/other)
  OtherPauseP99,
  SchedLatP50,    // /sched/latencies:seconds, window
  SchedLatP99,
  Requests,       // requests completed in the window (service)
  Timeouts,       // of which timed out
  ReqP50,         // request latency, window
  ReqP99,
  ReqP999,
  TimerLateP99,   // how late timers fired, window
  Count
};
inline constexpr size_t kNumMetrics = static_cast<size_t>(Metric::Count);

enum class MetricUnit : uint8_t { Ns, Bytes, Count };

struct MetricColumn {
  std::string_view name;  // the JSON and CSV name
  MetricUnit unit;
  Text title;             // the table's column header
};
const std::array<MetricColumn, kNumMetrics>& metricColumns();

// -1 where a window had nothing to measure (no pause, no request).
using MetricsRow = std::array<int64_t, kNumMetrics>;

// A long run keeps at most kMaxRows: when the log is full, every other row
// goes and from then on only every other sample is kept (the stride
// doubles), so memory stays bounded and the rows stay evenly spaced. A kept
// row's window columns still describe its own window, the one period
// before it.
class MetricsLog {
 public:
  static constexpr size_t kMaxRows = 20000;

  MetricsLog() = default;
  // A copy takes the other log's lock (a result is copied once its run is over).
  MetricsLog(const MetricsLog& o);
  MetricsLog& operator=(const MetricsLog& o);

  // last: the run's final sample, kept whatever the stride.
  void append(const MetricsRow& row, bool last = false);
  std::vector<MetricsRow> rows() const;  // a copy, taken under the lock
  size_t size() const;
  // The sampling period the program used (0: it sampled nothing), and how
  // many samples each kept row stands for.
  void setPeriod(int64_t ns);
  int64_t period() const;
  uint64_t stride() const;

 private:
  mutable std::mutex mu_;  // the sampler appends while `metrics` reads (real engine)
  std::vector<MetricsRow> rows_;
  int64_t periodNs_ = 0;
  uint64_t samples_ = 0, stride_ = 1;
};

}  // namespace lab
