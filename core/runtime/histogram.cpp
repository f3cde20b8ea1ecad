#include "runtime/histogram.hpp"

#include <bit>

namespace rt {

using H = TimeHistogramCounts;

// Go: runtime/histogram.go timeHistogram.record.
int TimeHistogramCounts::bucketOf(int64_t duration) {
  int superBucket = 0, subBucket = 0;
  if (duration >= kNumSubBuckets) {
    // Which power-of-two range the duration falls into, then which of the
    // 16 equal parts of it (the 4 bits below the highest set bit).
    superBucket = std::bit_width(static_cast<uint64_t>(duration)) - kSubBucketBits;
    if (superBucket * kNumSubBuckets >= kNumBuckets) {
      // Too large: the last bucket (Go: "pin to the top bucket").
      superBucket = kNumSuperBuckets - 1;
      subBucket = kNumSubBuckets - 1;
    } else {
      subBucket = static_cast<int>((duration >> (superBucket - 1)) % kNumSubBuckets);
    }
  } else {
    subBucket = static_cast<int>(duration);
  }
  return superBucket * kNumSubBuckets + subBucket;
}

void TimeHistogram::record(int64_t duration) {
  if (duration < 0) {
    underflow.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  // relaxed: a statistic; readers take no decision from one count's order
  // against another's.
  counts[static_cast<size_t>(H::bucketOf(duration))].fetch_add(1, std::memory_order_relaxed);
}

TimeHistogramCounts TimeHistogram::snapshot() const {
  TimeHistogramCounts s;
  for (size_t i = 0; i < s.counts.size(); i++) s.counts[i] = counts[i].load(std::memory_order_relaxed);
  s.underflow = underflow.load(std::memory_order_relaxed);
  return s;
}

// Go: timeHistogramMetricsBuckets — bucket 0..15 hold 0..15 ns; super-bucket
// i >= 1 starts at 2^(i+3) and is cut into 16 parts of 2^(i-1).
int64_t TimeHistogramCounts::lower(int bucket) {
  if (bucket < kNumSubBuckets) return bucket;
  const int i = bucket / kNumSubBuckets - 1, j = bucket % kNumSubBuckets;
  return int64_t((uint64_t(1) << (i + kSubBucketBits)) | (uint64_t(j) << i));
}

uint64_t TimeHistogramCounts::total() const {
  uint64_t n = 0;
  for (uint64_t c : counts) n += c;
  return n;
}

TimeHistogramCounts TimeHistogramCounts::since(const TimeHistogramCounts& earlier) const {
  TimeHistogramCounts d;
  for (size_t i = 0; i < counts.size(); i++) d.counts[i] = counts[i] - earlier.counts[i];
  d.underflow = underflow - earlier.underflow;
  return d;
}

int64_t TimeHistogramCounts::quantile(double q) const {
  const uint64_t n = total();
  if (n == 0) return -1;
  // The rank of the q-th sample, 1-based: ceil(q*n), at least 1.
  uint64_t rank = static_cast<uint64_t>(q * double(n));
  if (double(rank) < q * double(n)) rank++;
  if (rank == 0) rank = 1;
  uint64_t seen = 0;
  for (int b = 0; b < kNumBuckets; b++) {
    seen += counts[size_t(b)];
    if (seen >= rank) {
      // The top bucket has no upper boundary: report where it starts.
      return b + 1 < kNumBuckets ? lower(b + 1) : lower(b);
    }
  }
  return lower(kNumBuckets - 1);
}

}  // namespace rt
