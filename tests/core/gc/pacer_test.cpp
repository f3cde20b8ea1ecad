// The pacer's arithmetic and the gctrace format, against Go's numbers.
#include <gtest/gtest.h>

#include <cmath>

#include "gc/gctrace.hpp"
#include "gc/pacer.hpp"

namespace rt::gc {
namespace {

// Go's table (reference/go-runtime-facts.md §6.4), computed by startCycle.
TEST(Pacer, WorkerSplitMatchesGoForOneToSixteenPs) {
  const struct {
    int procs, dedicated;
    double fractional;
  } want[] = {{1, 0, 0.25},  {2, 0, 0.25},  {3, 0, 0.25},     {4, 1, 0},  {5, 1, 0},  {6, 1, 0.5 / 6},
              {7, 2, 0},     {8, 2, 0},     {9, 2, 0},        {10, 3, 0}, {11, 3, 0}, {12, 3, 0},
              {13, 3, 0},    {14, 4, 0},    {15, 4, 0},       {16, 4, 0}};
  for (const auto& w : want) {
    WorkerSplit s = workersFor(w.procs);
    EXPECT_EQ(s.dedicated, w.dedicated) << w.procs << " Ps";
    EXPECT_NEAR(s.fractionalUtilizationGoal, w.fractional, 1e-9) << w.procs << " Ps";
    // Together they make 25% of the Ps, within Go's 30% rounding error.
    double total = s.dedicated + s.fractionalUtilizationGoal * w.procs;
    EXPECT_NEAR(total / (0.25 * w.procs), 1.0, 0.3) << w.procs << " Ps";
  }
}

TEST(Pacer, HeapGoalCountsStacksAndGlobalsAndHasAMinimum) {
  gcControllerState c;
  c.setGCPercent(100);
  c.heapMarked = 10 << 20;
  c.lastStackScan = 1 << 20;
  c.globalsScan = 1 << 20;
  // Go 1.18+: heapMarked + (heapMarked + stacks + globals) * GOGC/100.
  EXPECT_EQ(c.heapGoal(), uint64_t(10 << 20) + uint64_t(12 << 20));
  c.setGCPercent(50);
  EXPECT_EQ(c.heapGoal(), uint64_t(10 << 20) + uint64_t(6 << 20));
  // A tiny heap still gets 4 MB * GOGC/100.
  c.heapMarked = 1000;
  c.lastStackScan = c.globalsScan = 0;
  EXPECT_EQ(c.heapGoal(), uint64_t(2 << 20));
  c.setGCPercent(100);
  EXPECT_EQ(c.heapGoal(), uint64_t(4 << 20));
  // GOGC=off: no goal but the memory limit's.
  c.setGCPercent(-1);
  EXPECT_EQ(c.heapGoal(), ~uint64_t(0));
  c.memoryLimit = 64 << 20;
  EXPECT_LT(c.heapGoalWith(8 << 20, 1 << 20, 6 << 20), uint64_t(64 << 20));
  EXPECT_GE(c.heapGoalWith(8 << 20, 1 << 20, 6 << 20), c.heapMarked);
}

TEST(Pacer, TriggerStaysBetweenSeventyAndNinetyFivePercentOfTheRunway) {
  gcControllerState c;
  c.setGCPercent(100);
  c.heapMarked = 100 << 20;
  const uint64_t goal = 200 << 20;
  const uint64_t lo = c.heapMarked + (goal - c.heapMarked) / 64 * 45;
  uint64_t hi = c.heapMarked + (goal - c.heapMarked) / 64 * 61;
  if (goal - defaultHeapMinimum > hi) hi = goal - defaultHeapMinimum;
  // No cons/mark history: no runway, so the trigger is the upper bound.
  EXPECT_EQ(c.trigger(goal), hi);
  // A huge runway: the lower bound.
  c.lastHeapScan = 1ull << 40;
  c.consMarkHistory[0] = 1;
  EXPECT_EQ(c.trigger(goal), lo);
  // In between: goal - runway.
  c.lastHeapScan = 8 << 20;
  c.consMarkHistory[0] = 1.0;  // runway = 1 * (1-0.25)/0.25 * 8 MB
  EXPECT_EQ(c.trigger(goal), goal - (24 << 20));
  EXPECT_GT(goal - (24 << 20), lo);
  // A goal below what is marked: trigger at the goal.
  EXPECT_EQ(c.trigger(c.heapMarked), c.heapMarked);
}

TEST(Pacer, AssistRatioIsWorkLeftOverHeapLeft) {
  gcControllerState c;
  c.setGCPercent(100);
  c.heapMarked = 8 << 20;
  c.lastHeapScan = 4 << 20;
  c.heapScan = 8 << 20;
  c.triggered = 12 << 20;
  // goal = 16 MB; at 12 MB live with no work done: 4 MB of work over 4 MB.
  c.revise(12 << 20, 0);
  EXPECT_DOUBLE_EQ(c.assistWorkPerByte.load(), 1.0);
  EXPECT_DOUBLE_EQ(c.assistBytesPerWork.load(), 1.0);
  // Half the work done: half the ratio.
  c.revise(12 << 20, 2 << 20);
  EXPECT_DOUBLE_EQ(c.assistWorkPerByte.load(), 0.5);
  // Less heap left before the goal: a higher ratio.
  c.revise(14 << 20, 2 << 20);
  EXPECT_DOUBLE_EQ(c.assistWorkPerByte.load(), 1.0);
  // Past the goal: never negative or infinite.
  c.revise(20 << 20, 0);
  EXPECT_GT(c.assistWorkPerByte.load(), 0);
  EXPECT_TRUE(std::isfinite(c.assistWorkPerByte.load()));
}

// Go 1.19 revise: more scan work than expected means the heap grew. The goal
// is extrapolated — the runway (goal - trigger) scaled from the expected
// to the worst-case scan work — but no further than the hard goal,
// (1 + GOGC/100) x the goal; and once past even that goal, the pacer aims
// 10% beyond it (maxOvershoot) at the worst-case work.
TEST(Pacer, ReviseExtrapolatesTheGoalWhenTheHeapGrows) {
  gcControllerState c;
  c.setGCPercent(100);
  c.heapMarked = 8 << 20;      // goal 16 MB
  c.lastHeapScan = 4 << 20;    // 4 MB of work expected
  c.triggered = 12 << 20;
  c.heapScan = 8 << 20;        // worst case: 8 MB of work
  // 5 MB done > 4 MB expected: extHeapGoal = (16-12)/4*8 + 12 = 20 MB;
  // work left 8-5 = 3 MB, heap left 20-13 = 7 MB.
  c.revise(13 << 20, 5 << 20);
  EXPECT_DOUBLE_EQ(c.assistWorkPerByte.load(), 3.0 / 7.0);
  // A worst case so large the extrapolated goal passes the hard goal
  // (32 MB): the hard goal. Work left 64-5 MB over 32-13 MB.
  c.heapScan = 64 << 20;
  c.revise(13 << 20, 5 << 20);
  EXPECT_DOUBLE_EQ(c.assistWorkPerByte.load(), 59.0 / 19.0);
  // Live heap past the (unextrapolated) goal: aim at 1.1 x 16 MB with the
  // worst-case work, 64 MB, left.
  c.revise(17 << 20, 1 << 20);
  EXPECT_DOUBLE_EQ(c.assistWorkPerByte.load(), double(63 << 20) / double(int64_t(double(16 << 20) * 1.1) - (17 << 20)));
  // GOGC=off (a forced cycle): the hard goal acts as GOGC=100000.
  c.setGCPercent(-1);
  c.memoryLimitGoal = 16 << 20;
  c.heapScan = 1ull << 40;
  c.revise(13 << 20, 5 << 20);
  EXPECT_GT(c.assistWorkPerByte.load(), 0);
  EXPECT_TRUE(std::isfinite(c.assistWorkPerByte.load()));
}

TEST(Pacer, GoFloatPrintsLikeGosPrint) {
  EXPECT_EQ(goFloat(1.186226), "+1.186226e+000");
  EXPECT_EQ(goFloat(0.25), "+2.500000e-001");
  EXPECT_EQ(goFloat(0), "+0.000000e+000");
  EXPECT_EQ(goFloat(-12345.678), "-1.234568e+004");
  EXPECT_EQ(goFloat(9.9999999), "+1.000000e+001");
}

TEST(GcTrace, FmtNSAsMSKeepsTwoSignificantDigits) {
  EXPECT_EQ(fmtNSAsMS(19'000), "0.019");
  EXPECT_EQ(fmtNSAsMS(2'300'000), "2.3");
  EXPECT_EQ(fmtNSAsMS(130'000), "0.13");
  EXPECT_EQ(fmtNSAsMS(51'000'000), "51");
  EXPECT_EQ(fmtNSAsMS(999), "0");
  EXPECT_EQ(fmtNSAsMS(1'000'000), "1.0");
}

// The line real Go 1.19.8 printed (reference/go-runtime-facts.md §4.2),
// rebuilt from its fields.
TEST(GcTrace, LineMatchesGosFormatExactly) {
  GcTraceLine l;
  l.numgc = 1;
  l.sinceStartNs = 22'400'000;
  l.utilPercent = 3;
  l.sweepTermNs = 19'000;
  l.markNs = 2'300'000;
  l.markTermNs = 130'000;
  l.sweepTermCpuNs = 39'000;
  l.assistCpuNs = 330'000;
  l.backgroundCpuNs = 1'100'000;
  l.idleCpuNs = 1'000'000;
  l.markTermCpuNs = 270'000;
  l.heap0 = 3 << 20;
  l.heap1 = (4 << 20) + 5;
  l.heap2 = 3 << 20;
  l.goal = 4 << 20;
  l.procs = 2;
  EXPECT_EQ(formatGcTrace(l),
            "gc 1 @0.022s 3%: 0.019+2.3+0.13 ms clock, 0.039+0.33/1.1/1.0+0.27 ms cpu, 3->4->3 MB, 4 MB goal, 0 MB "
            "stacks, 0 MB globals, 2 P");
  l.numgc = 7;
  l.forced = true;
  EXPECT_NE(formatGcTrace(l).find("2 P (forced)"), std::string::npos);
}

}  // namespace
}  // namespace rt::gc
