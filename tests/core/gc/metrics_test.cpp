// The runtime's metrics (Go: runtime/metrics): the duration histogram they
// are kept in (runtime/histogram.go, tested as Go tests it), the
// scheduling latency casgstatus samples, the collector's pause
// distribution, and reading them all beside running goroutines.
#include <gtest/gtest.h>

#include <atomic>
#include <climits>
#include <memory>

#include "gc/metrics.hpp"
#include "gc_harness.hpp"
#include "platform/real/real_platform.hpp"
#include "runtime/histogram.hpp"

namespace rt::gc::testing {
namespace {

using H = TimeHistogramCounts;

// Go: runtime/histogram_test.go TestTimeHistogram — one sample at the start
// of every bucket lands in that bucket; a negative one is an underflow; a
// huge one is pinned to the top bucket.
TEST(TimeHistogram, EverySampleLandsInItsOwnBucket) {
  // 5.8 KiB of counters: not on a test thread's stack, and a new one each
  // time the test runs (--gtest_repeat).
  const auto owned = std::make_unique<TimeHistogram>();
  TimeHistogram& h = *owned;
  for (int i = 0; i < H::kNumSuperBuckets; i++) {
    const int64_t base = i > 0 ? int64_t(1) << (i + H::kSubBucketBits - 1) : 0;
    for (int j = 0; j < H::kNumSubBuckets; j++) h.record(base + (i > 0 ? int64_t(j) << (i - 1) : j));
  }
  h.record(-1);
  H c = h.snapshot();
  for (int b = 0; b < H::kNumBuckets; b++) EXPECT_EQ(c.counts[size_t(b)], 1u) << "bucket " << b;
  EXPECT_EQ(c.underflow, 1u);
  h.record(INT64_MAX);
  EXPECT_EQ(h.snapshot().counts[H::kNumBuckets - 1], 2u);
}

// Go: TestTimeHistogramMetricsBuckets — the boundaries runtime/metrics
// hands out: 0..15 ns one by one, then 16 parts of every power of two.
TEST(TimeHistogram, BucketBoundariesAreGos) {
  for (int b = 0; b < H::kNumSubBuckets; b++) EXPECT_EQ(H::lower(b), b);
  EXPECT_EQ(H::lower(16), 16);
  EXPECT_EQ(H::lower(17), 17);
  EXPECT_EQ(H::lower(32), 32);
  EXPECT_EQ(H::lower(33), 34);  // super-bucket 2: steps of 2 ns
  EXPECT_EQ(H::lower(48), 64);
  for (int b = 0; b < H::kNumBuckets; b++) {
    EXPECT_EQ(H::bucketOf(H::lower(b)), b);
    if (b + 1 < H::kNumBuckets) {
      EXPECT_LT(H::lower(b), H::lower(b + 1));
      EXPECT_EQ(H::bucketOf(H::lower(b + 1) - 1), b);
      // Every bucket is at most 1/16 of its lower boundary wide.
      if (b >= H::kNumSubBuckets) {
        EXPECT_LE(16 * (H::lower(b + 1) - H::lower(b)), H::lower(b));
      }
    }
  }
}

TEST(TimeHistogram, QuantileIsTheUpperBoundOfTheBucketHoldingIt) {
  const auto owned = std::make_unique<TimeHistogram>();
  TimeHistogram& h = *owned;
  EXPECT_EQ(h.snapshot().quantile(0.5), -1);  // nothing recorded
  for (int64_t us = 1; us <= 1000; us++) h.record(us * 1000);
  const H all = h.snapshot();
  EXPECT_EQ(all.total(), 1000u);
  for (double q : {0.5, 0.9, 0.99, 0.999, 1.0}) {
    const int64_t exact = int64_t(q * 1000) * 1000;  // the rank-th sample, in ns
    const int64_t got = all.quantile(q);
    EXPECT_GT(got, exact) << q;                       // an upper boundary
    EXPECT_LE(got, exact + exact / 16 + 1) << q;      // within one bucket (6.25 %)
  }
  // A window: what was recorded after a snapshot.
  for (int i = 0; i < 10; i++) h.record(5'000'000);
  const H window = h.snapshot().since(all);
  EXPECT_EQ(window.total(), 10u);
  EXPECT_EQ(window.quantile(0.01), H::lower(H::bucketOf(5'000'000) + 1));
}

// Go: casgstatus's scheduling-latency tracking. One P, two goroutines that
// compute 1 ms and yield: each waits runnable exactly while the other
// computes, so every tracked stretch is 1 ms plus the simulator's price of
// a schedule() trip; one stretch in 8 is tracked (gTrackingPeriod).
TEST(SchedLatency, TheTimeAGoroutineWaitsRunnableIsSampledOneStretchInEight) {
  constexpr int kRounds = 400;
  GcRun run = runWithGc(true, 1, 1, GcConfig{}, [](Collector*) -> Goroutine {
    WaitGroup wg;
    wg.Add(2);
    auto spinner = [](WaitGroup* w) -> Goroutine {
      for (int i = 0; i < kRounds; i++) {
        co_await cpu(1'000'000);
        co_await Gosched();
      }
      w->Done();
    };
    go(spinner(&wg), "spinner");
    go(spinner(&wg), "spinner");
    co_await wg.Wait();
  });
  ASSERT_EQ(run.rr.status, RunStatus::Ok) << run.rr.fatal;
  const uint64_t stretches = 2 * kRounds;
  EXPECT_GE(run.timeToRun.total(), stretches / 8 - 2);
  EXPECT_LE(run.timeToRun.total(), stretches / 8 + 8);  // + main's and the starts of the two
  const int64_t p50 = run.timeToRun.quantile(0.5);
  EXPECT_GT(p50, 1'000'000);
  EXPECT_LE(p50, 1'000'000 + 1'000'000 / 16);
}

// Go: memstats.gcPauseDist — every stop-the-world of every cycle once: the
// sweep termination, each gcMarkDone restart, the mark termination; the
// STW marker's cycle is one pause.
TEST(GcPauses, EveryStopTheWorldIsRecordedOnce) {
  for (Marker marker : {Marker::Concurrent, Marker::STW}) {
    GcConfig cfg;
    cfg.marker = marker;
    cfg.gogc = 10;  // a heap minimum of 400 KiB: a cycle every few trees
    GcRun run = runWithGc(true, 2, 3, cfg, [](Collector*) -> Goroutine {
      for (int i = 0; i < 40; i++) {
        Frame<1> f;
        f.set(0, co_await buildTree(12));
      }
    });
    ASSERT_EQ(run.rr.status, RunStatus::Ok) << run.rr.fatal;
    ASSERT_GE(run.history.size(), 3u);
    uint64_t pauses = 0;
    for (const CycleStats& cs : run.history) {
      pauses += marker == Marker::STW ? 1 : 2 + cs.markDoneRestarts;
      const int64_t first = marker == Marker::STW ? cs.pauseNs : cs.pauseSweepTermNs;
      EXPECT_GT(run.pauses.counts[size_t(H::bucketOf(first))], 0u) << cs.numgc;
      if (marker == Marker::Concurrent) {
        EXPECT_GT(run.pauses.counts[size_t(H::bucketOf(cs.pauseMarkTermNs))], 0u);
      }
    }
    EXPECT_EQ(run.pauses.total(), pauses);
    EXPECT_EQ(run.pauses.underflow, 0u);
  }
}

// metrics.Read beside running goroutines: a reader loops while others
// allocate and collect, on real threads (the race detector's case) and on
// the simulator; what it reads only moves forward.
TEST(ReadMetrics, ReadingBesideRunningGoroutinesSeesCountersOnlyGrow) {
  for (bool sim : {true, false}) {
    if (!sim && !RealPlatform::threadsAvailable()) continue;
    std::atomic<int> reads{0}, backwards{0};
    GcConfig cfg;
    cfg.gogc = 10;
    GcRun run = runWithGc(sim, 2, 1, cfg, [&](Collector* c) -> Goroutine {
      WaitGroup wg;
      wg.Add(2);
      auto allocator = [](WaitGroup* w) -> Goroutine {
        for (int i = 0; i < 30; i++) {
          Frame<1> f;
          f.set(0, co_await buildTree(11));
        }
        w->Done();
      };
      auto reader = [](Collector* col, WaitGroup* w, std::atomic<int>* n, std::atomic<int>* back) -> Goroutine {
        RuntimeMetrics last;
        for (int i = 0; i < 200; i++) {
          RuntimeMetrics m = readMetrics(col->rt, col);
          if (m.gcCycles < last.gcCycles || m.gcPauses.total() < last.gcPauses.total() ||
              m.schedLatencies.total() < last.schedLatencies.total() || m.now < last.now || m.goroutines < 1)
            back->fetch_add(1);
          last = m;
          n->fetch_add(1);
          co_await Gosched();
        }
        w->Done();
      };
      go(allocator(&wg), "allocator");
      go(reader(c, &wg, &reads, &backwards), "reader");
      co_await wg.Wait();
      RuntimeMetrics end = readMetrics(c->rt, c);
      // main alone: the runtime's own do not count. (On real threads the
      // two that just said Done may still be on their way out.)
      if (sim) {
        EXPECT_EQ(end.goroutines, 1);
      } else {
        EXPECT_LE(end.goroutines, 3);
      }
      EXPECT_EQ(end.gcCycles, c->numGC.load());
      EXPECT_GT(end.gcCycles, 0u);
      EXPECT_GT(end.heapGoal, 0u);
    });
    ASSERT_EQ(run.rr.status, RunStatus::Ok) << run.rr.fatal;
    EXPECT_EQ(reads.load(), 200);
    EXPECT_EQ(backwards.load(), 0) << (sim ? "sim" : "real");
  }
}

}  // namespace
}  // namespace rt::gc::testing
