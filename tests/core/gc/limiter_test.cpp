// The GC CPU limiter's arithmetic (core/gc/limiter.hpp), checked by Go's own
// test: runtime/mgclimit_test.go TestGCCPULimiter, step for step, with the
// same mock clock and the same expected fills, overflows and on/off states.
#include <gtest/gtest.h>

#include "gc/limiter.hpp"
#include "gc/pacer.hpp"
#include "gc_harness.hpp"
#include "sched/sync.hpp"

namespace rt::gc {
namespace {

constexpr int64_t Millisecond = 1'000'000;
constexpr int64_t Microsecond = 1'000;
constexpr int64_t Second = 1'000'000'000;
constexpr int64_t Hour = 3600 * Second;
constexpr int64_t CapacityPerProc = int64_t(capacityPerProc);

// Go: TestGCCPULimiter.
TEST(GcCpuLimiter, GosTestGCCPULimiter) {
  constexpr int64_t procs = 14;

  // Create mock time.
  int64_t ticks = 0;
  auto advance = [&ticks](int64_t d) { return ticks += d; };

  // assistTime computes the CPU time for assists using frac of GOMAXPROCS
  // over the wall-clock duration d.
  auto assistTime = [](int64_t d, double frac) { return int64_t(frac * double(d) * procs); };

  gcCPULimiterState l;
  l.resetCapacity(ticks, procs);

  // Do the whole test twice to make sure state doesn't leak across.
  uint64_t baseOverflow = 0;  // Track total overflow across iterations.
  for (int i = 0; i < 2; i++) {
    SCOPED_TRACE("iteration " + std::to_string(i + 1));
    ASSERT_EQ(l.capacity(), uint64_t(procs * CapacityPerProc)) << "unexpected capacity";
    ASSERT_EQ(l.fill(), 0u) << "expected empty bucket to start";

    // Test filling the bucket with just mutator time.
    l.update(advance(10 * Millisecond));
    l.update(advance(1 * Second));
    l.update(advance(1 * Hour));
    ASSERT_EQ(l.fill(), 0u) << "expected empty bucket from only accumulating mutator time";

    // Test needUpdate.
    ASSERT_FALSE(l.needUpdate(advance(gcCPULimiterUpdatePeriod / 2))) << "need update even though updated half a period ago";
    ASSERT_TRUE(l.needUpdate(advance(gcCPULimiterUpdatePeriod))) << "doesn't need update even though updated 1.5 periods ago";
    l.update(advance(0));
    ASSERT_FALSE(l.needUpdate(advance(0))) << "need update even though just updated";

    // Test transitioning the bucket to enable the GC.
    l.startGCTransition(true, advance(109 * Millisecond));
    l.finishGCTransition(advance(2 * Millisecond + 1 * Microsecond));
    ASSERT_EQ(l.fill(), uint64_t((2 * Millisecond + 1 * Microsecond) * procs));

    // Test passing time without assists during a GC. Specifically, just
    // enough to drain the bucket to exactly procs nanoseconds (easier to get
    // to because of rounding). The window needed is 1/(1-2*gcBackgroundUtilization)
    // times the fill to drain.
    const double factor = 1 / (1 - 2 * gcBackgroundUtilization);
    const int64_t fill = (2 * Millisecond + 1 * Microsecond) * procs;
    l.update(advance(int64_t(factor * double(fill - procs) / procs)));
    ASSERT_EQ(l.fill(), uint64_t(procs)) << "draining after a GC started";

    // Drain to zero for the rest of the test.
    l.update(advance(2 * procs * CapacityPerProc));
    ASSERT_EQ(l.fill(), 0u) << "expected empty bucket from draining";

    // Test filling up the bucket with 50% total GC work (so, not moving the bucket at all).
    l.addAssistTime(assistTime(10 * Millisecond, 0.5 - gcBackgroundUtilization));
    l.update(advance(10 * Millisecond));
    ASSERT_EQ(l.fill(), 0u) << "expected empty bucket from 50% GC work";

    // Test adding to the bucket overall with 100% GC work.
    l.addAssistTime(assistTime(Millisecond, 1.0 - gcBackgroundUtilization));
    l.update(advance(Millisecond));
    EXPECT_EQ(l.fill(), uint64_t(procs * Millisecond)) << "fill from 100% GC CPU";
    EXPECT_FALSE(l.limiting()) << "limiter is enabled after filling bucket but shouldn't be";
    if (HasFailure()) return;

    // Test filling the bucket exactly full.
    l.addAssistTime(assistTime(CapacityPerProc - Millisecond, 1.0 - gcBackgroundUtilization));
    l.update(advance(CapacityPerProc - Millisecond));
    EXPECT_EQ(l.fill(), l.capacity()) << "expected bucket filled to capacity";
    EXPECT_TRUE(l.limiting()) << "limiter is not enabled after filling bucket but should be";
    EXPECT_EQ(l.overflow(), 0 + baseOverflow) << "bucket filled exactly should not have overflow";
    if (HasFailure()) return;

    // Test adding with a delta of exactly zero. That is, GC work is exactly
    // 50% of all resources. Specifically, the limiter should still be on,
    // and no overflow should accumulate.
    l.addAssistTime(assistTime(1 * Second, 0.5 - gcBackgroundUtilization));
    l.update(advance(1 * Second));
    EXPECT_EQ(l.fill(), l.capacity());
    EXPECT_TRUE(l.limiting());
    EXPECT_EQ(l.overflow(), 0 + baseOverflow);
    if (HasFailure()) return;

    // Drain the bucket by half.
    l.addAssistTime(assistTime(CapacityPerProc, 0));
    l.update(advance(CapacityPerProc));
    EXPECT_EQ(l.fill(), l.capacity() / 2) << "failed to drain by half";
    EXPECT_FALSE(l.limiting()) << "limiter is enabled after draining bucket but shouldn't be";
    if (HasFailure()) return;

    // Test overfilling the bucket.
    l.addAssistTime(assistTime(CapacityPerProc, 1.0 - gcBackgroundUtilization));
    l.update(advance(CapacityPerProc));
    EXPECT_EQ(l.fill(), l.capacity()) << "failed to fill to capacity";
    EXPECT_TRUE(l.limiting()) << "limiter is not enabled after overfill but should be";
    EXPECT_EQ(l.overflow(), uint64_t(CapacityPerProc * procs / 2) + baseOverflow);
    if (HasFailure()) return;

    // Test ending the cycle with some assists left over.
    l.addAssistTime(assistTime(1 * Millisecond, 1.0 - gcBackgroundUtilization));
    l.startGCTransition(false, advance(1 * Millisecond));
    EXPECT_EQ(l.fill(), l.capacity());
    EXPECT_TRUE(l.limiting());
    EXPECT_EQ(l.overflow(), uint64_t((CapacityPerProc / 2 + Millisecond) * procs) + baseOverflow);
    if (HasFailure()) return;

    // Make sure the STW adds to the bucket.
    l.finishGCTransition(advance(5 * Millisecond));
    EXPECT_EQ(l.fill(), l.capacity());
    EXPECT_TRUE(l.limiting());
    EXPECT_EQ(l.overflow(), uint64_t((CapacityPerProc / 2 + 6 * Millisecond) * procs) + baseOverflow);
    if (HasFailure()) return;

    // Resize procs up and make sure limiting stops.
    const uint64_t expectFill = l.capacity();
    l.resetCapacity(advance(0), procs + 10);
    EXPECT_EQ(l.fill(), expectFill) << "failed to maintain fill at old capacity";
    EXPECT_FALSE(l.limiting()) << "limiter is enabled after resetting capacity higher";
    EXPECT_EQ(l.overflow(), uint64_t((CapacityPerProc / 2 + 6 * Millisecond) * procs) + baseOverflow)
        << "bucket overflow should have remained constant";
    if (HasFailure()) return;

    // Resize procs down and make sure limiting begins again. Also make sure
    // resizing doesn't affect overflow: we're not actively doing work to
    // achieve it, we have fewer CPU resources now.
    l.resetCapacity(advance(0), procs - 10);
    EXPECT_EQ(l.fill(), l.capacity()) << "failed lower fill to new capacity";
    EXPECT_TRUE(l.limiting()) << "limiter is disabled after resetting capacity lower";
    EXPECT_EQ(l.overflow(), uint64_t((CapacityPerProc / 2 + 6 * Millisecond) * procs) + baseOverflow);
    if (HasFailure()) return;

    // Get back to a zero state. The top of the loop will double check.
    l.resetCapacity(advance(CapacityPerProc * procs), procs);

    // Track total overflow for future iterations.
    baseOverflow += uint64_t((CapacityPerProc / 2 + 6 * Millisecond) * procs);
  }
}

// Idle time is neither mutator nor GC time: a window that was all idle
// moves nothing, and the background workers' 25 % is of the real window.
TEST(GcCpuLimiter, IdleTimeLeavesTheWindow) {
  gcCPULimiterState l;
  int64_t now = 0;
  l.resetCapacity(now, 4);
  l.startGCTransition(true, now);
  l.finishGCTransition(now);
  // 100 ms on 4 Ps, 3 of them idle: GC = 25 % of 400 = 100 ms-CPU, mutator = 100 - 100 = 0.
  l.addIdleTime(3 * 100 * Millisecond);
  l.update(now += 100 * Millisecond);
  EXPECT_EQ(l.fill(), uint64_t(100 * Millisecond)) << "the idle Ps' time counted as mutator time";
  // The same window with no idle P: mutator 300 ms-CPU drains what GC 100 ms-CPU adds, and more.
  l.update(now += 100 * Millisecond);
  EXPECT_EQ(l.fill(), 0u);
}

// lastEnabledCycle names the cycle under way when the limiter turned on
// (Go: memstats.numgc + 1).
TEST(GcCpuLimiter, RecordsTheCycleInWhichItTurnedOn) {
  std::atomic<uint32_t> numgc{41};
  gcCPULimiterState l;
  l.setCycleCounter(&numgc);
  int64_t now = 0;
  l.resetCapacity(now, 1);
  EXPECT_EQ(l.lastEnabledCycle(), 0u);
  l.addAssistTime(2 * CapacityPerProc);
  l.update(now += CapacityPerProc / 2);
  EXPECT_TRUE(l.limiting());
  EXPECT_EQ(l.lastEnabledCycle(), 42u);
}

// ---------------------------------------------- the limiter in a collector

struct SpiralRun {
  testing::GcRun run;
  uint32_t lastEnabledCycle = 0;
  int64_t assistNs = 0;  // over every cycle
  uint64_t lost = 0;
};

// A heap goal with almost no room (GOGC=5 over a live tree) at 1 P: the
// allocating goroutine owes scan work for nearly every allocation, and the
// GC takes most of the CPU. The bucket is made small (capacityPerProc is a
// CPU-second in Go) so that this short run can fill it.
SpiralRun deathSpiral(uint64_t capacityPerProcNs) {
  GcConfig c;
  c.gogc = 5;
  c.verifyEachCycle = true;
  c.limiterCapacityPerProcNs = capacityPerProcNs;
  SpiralRun out;
  out.run = testing::runWithGc(true, 1, 3, c, [&out](Collector* col) -> Goroutine {
    setGlobal(0, co_await testing::buildTree(14));
    rt::WaitGroup wg;
    wg.Add(1);
    rt::go(testing::churner(3000, &wg), "main.churner");
    co_await wg.Wait();
    out.lastEnabledCycle = col->limiter.lastEnabledCycle();
  });
  for (const CycleStats& cs : out.run.history) {
    out.assistNs += cs.assistTimeNs;
    out.lost += cs.lost;
  }
  return out;
}

// Go: gcAssistAlloc's "if gcCPULimiter.limiting() { return }" — once the GC
// has taken more than half of the CPU for longer than the bucket holds,
// goroutines allocate in debt instead of assisting, so the program spends
// less of its time marking and finishes sooner; the barrier still keeps
// every reachable object (the verifier runs at every cycle).
TEST(GcCpuLimiter, InADeathSpiralAssistsStopAndTheProgramGetsTheCpuBack) {
  const SpiralRun unlimited = deathSpiral(capacityPerProc);
  const SpiralRun limited = deathSpiral(1'000'000);  // 1 ms per P
  ASSERT_EQ(unlimited.run.rr.status, RunStatus::Ok) << unlimited.run.rr.fatal;
  ASSERT_EQ(limited.run.rr.status, RunStatus::Ok) << limited.run.rr.fatal;
  EXPECT_EQ(unlimited.lastEnabledCycle, 0u) << "a one-second bucket filled in a run this short";
  EXPECT_GT(limited.lastEnabledCycle, 0u) << "the limiter never turned on";
  EXPECT_GT(unlimited.assistNs, 0) << "the program should assist heavily";
  EXPECT_LT(limited.assistNs, unlimited.assistNs / 2) << "assists went on while the limiter was on";
  EXPECT_LT(limited.run.rr.wallNs, unlimited.run.rr.wallNs) << "the program did not get the CPU back";
  EXPECT_EQ(limited.lost, 0u);
  EXPECT_EQ(unlimited.lost, 0u);
  std::printf("death spiral at 1 P: assists %.1f ms -> %.1f ms, run %.1f ms -> %.1f ms, limiter on in cycle %u of %zu\n",
              unlimited.assistNs / 1e6, limited.assistNs / 1e6, unlimited.run.rr.wallNs / 1e6,
              limited.run.rr.wallNs / 1e6, limited.lastEnabledCycle, limited.run.history.size());
}

// Go: procresize's resetCapacity — a bucket of one CPU-second per P, for the
// GOMAXPROCS of the moment. The lab resets it at the collector's next
// stop-the-world (both of Go's calls happen with the world stopped).
TEST(GcCpuLimiter, TheBucketFollowsGomaxprocs) {
  int32_t before = 0, after = 0;
  uint64_t capacityAfter = 0;
  GcConfig c;
  auto r = testing::runWithGc(true, 2, 1, c, [&](Collector* col) -> Goroutine {
    co_await GC();
    before = col->limiter.nprocs();
    co_await GOMAXPROCS(3);
    co_await GC();
    after = col->limiter.nprocs();
    capacityAfter = col->limiter.capacity();
  });
  ASSERT_EQ(r.rr.status, RunStatus::Ok) << r.rr.fatal;
  EXPECT_EQ(before, 2);
  EXPECT_EQ(after, 3);
  EXPECT_EQ(capacityAfter, 3 * capacityPerProc);
}

}  // namespace
}  // namespace rt::gc
