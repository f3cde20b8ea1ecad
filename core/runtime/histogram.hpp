// Go: runtime/histogram.go timeHistogram — a histogram of durations with
// fixed, HDR-style buckets, recorded into with one atomic add.
//
// A duration d >= 16 ns falls into super-bucket len(d) - 4 (its highest set
// bit picks the power of two) and, inside it, into one of 16 sub-buckets by
// the 4 bits below the highest one: every bucket is at most 1/16 (6.25 %) of
// its value wide, from 1 ns up to 2^48 ns (about 3.3 days), and the last
// bucket takes everything beyond. Go keeps two of them for runtime/metrics:
// sched.timeToRun (/sched/latencies:seconds) and memstats.gcPauseDist
// (/gc/pauses:seconds). The lab also uses the type for a program's own
// latencies (the service scenario's requests and timers).
//
// Quantiles are not part of Go's histogram: runtime/metrics hands out the
// counts and bucket boundaries, and tools (statsviz, Prometheus) compute
// them. The lab's quantile() reports the upper boundary of the bucket the
// q-th sample falls in, so it overestimates by less than one bucket width.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>

namespace rt {

// The counts of a timeHistogram at one moment; subtract two to get a window.
struct TimeHistogramCounts {
  static constexpr int kSubBucketBits = 4;     // Go: timeHistSubBucketBits
  static constexpr int kNumSubBuckets = 1 << kSubBucketBits;  // Go: timeHistNumSubBuckets
  static constexpr int kNumSuperBuckets = 45;  // Go: timeHistNumSuperBuckets
  static constexpr int kNumBuckets = kNumSuperBuckets * kNumSubBuckets;

  std::array<uint64_t, kNumBuckets> counts{};
  uint64_t underflow = 0;  // negative durations (a clock that went back)

  uint64_t total() const;
  // The counts recorded since `earlier` (a snapshot of the same histogram).
  TimeHistogramCounts since(const TimeHistogramCounts& earlier) const;
  // The q-quantile (0 < q <= 1) in ns: the upper boundary of the bucket that
  // holds it; -1 if nothing was recorded.
  int64_t quantile(double q) const;
  // Bucket i's range in ns: [lower(i), lower(i+1)). Go:
  // timeHistogramMetricsBuckets, in nanoseconds instead of seconds.
  static int64_t lower(int bucket);
  // The bucket a duration falls into (Go: the index computed by record).
  static int bucketOf(int64_t duration);
};

struct TimeHistogram {
  std::array<std::atomic<uint64_t>, TimeHistogramCounts::kNumBuckets> counts{};
  std::atomic<uint64_t> underflow{0};

  // Go: timeHistogram.record.
  void record(int64_t duration);
  // Go: runtime/metrics.go's reading of a timeHistogram: each count loaded
  // on its own, so a snapshot taken while others record is not one instant
  // (as in Go), but every count in it is one that was reached.
  TimeHistogramCounts snapshot() const;
};

}  // namespace rt
