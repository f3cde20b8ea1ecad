// The pacer's arithmetic against Go's formulas (mgcpacer.go, 1.19, with the
// lab's named simplifications in pacer.hpp): the GOGC goal (commit), the
// memory limit's goal (memoryLimitHeapGoal), the trigger (trigger) and the
// assist ratio (revise), over sweeps of their inputs rather than a few
// hand-picked points.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "gc/pacer.hpp"

namespace rt::gc {
namespace {

constexpr uint64_t MB = 1 << 20;

// Go: commit's gcPercentHeapGoal, written out as Go writes it.
uint64_t goGcPercentGoal(int32_t gogc, uint64_t heapMarked, uint64_t stacks, uint64_t globals) {
  if (gogc < 0) return ~uint64_t(0);
  uint64_t goal = heapMarked + (heapMarked + stacks + globals) * uint64_t(gogc) / 100;
  const uint64_t heapMinimum = defaultHeapMinimum * uint64_t(gogc) / 100;
  return std::max(goal, heapMinimum);
}

// Go: memoryLimitHeapGoal (1.19), written out.
uint64_t goMemoryLimitGoal(int64_t limit, uint64_t heapMarked, uint64_t mappedReady, uint64_t heapFree,
                           uint64_t heapAlloc) {
  if (limit == maxInt64) return ~uint64_t(0);
  const uint64_t memoryLimit = uint64_t(limit);
  const uint64_t nonHeap = mappedReady - heapFree - heapAlloc;
  const uint64_t overage = mappedReady > memoryLimit ? mappedReady - memoryLimit : 0;
  if (nonHeap + overage + MB >= memoryLimit) return heapMarked;
  return std::max(memoryLimit - nonHeap - overage - MB, heapMarked);
}

TEST(PacerGoal, GogcGoalIsGosFormulaForEveryGogc) {
  for (int32_t gogc : {-1, 0, 1, 10, 50, 75, 100, 150, 200, 400, 1000, 20000}) {
    for (uint64_t heapMarked : {uint64_t(0), uint64_t(1000), 3 * MB, 10 * MB, 777 * MB + 12345, uint64_t(5) << 30}) {
      for (uint64_t stacks : {uint64_t(0), uint64_t(64) << 10, 3 * MB}) {
        for (uint64_t globals : {uint64_t(0), uint64_t(8) << 10}) {
          gcControllerState c;
          c.setGCPercent(gogc);
          c.heapMarked = heapMarked;
          c.lastStackScan = stacks;
          c.globalsScan = globals;
          const std::string at = "GOGC=" + std::to_string(gogc) + " heapMarked=" + std::to_string(heapMarked) +
                                 " stacks=" + std::to_string(stacks) + " globals=" + std::to_string(globals);
          const uint64_t want = goGcPercentGoal(gogc, heapMarked, stacks, globals);
          ASSERT_EQ(c.gcPercentHeapGoal(), want) << at;
          ASSERT_EQ(c.heapGoal(), want) << at << " (no memory limit)";
        }
      }
    }
  }
}

TEST(PacerGoal, MemoryLimitGoalLeavesRoomForEverythingElse) {
  gcControllerState c;
  c.heapMarked = 20 * MB;
  EXPECT_EQ(c.memoryLimitHeapGoal(100 * MB, 10 * MB, 50 * MB), ~uint64_t(0)) << "no limit, no goal";
  c.memoryLimit = 64 * MB;
  // 40 MB mapped: 4 MB free, 30 MB of objects, so 6 MB of other memory.
  EXPECT_EQ(c.memoryLimitHeapGoal(40 * MB, 4 * MB, 30 * MB), 64 * MB - 6 * MB - MB);
  // 80 MB mapped, 16 MB over the limit: the overage comes off too.
  EXPECT_EQ(c.memoryLimitHeapGoal(80 * MB, 10 * MB, 60 * MB), 64 * MB - 10 * MB - 16 * MB - MB);
  // So much other memory that nothing is left: the goal is the live heap.
  EXPECT_EQ(c.memoryLimitHeapGoal(100 * MB, 0, 30 * MB), c.heapMarked);
  // A sweep against the formula.
  for (int64_t limit : {int64_t(8 * MB), int64_t(64 * MB), int64_t(1) << 32}) {
    for (uint64_t mapped : {16 * MB, 60 * MB, 300 * MB}) {
      for (uint64_t freeB : {uint64_t(0), 4 * MB}) {
        for (uint64_t objs : {uint64_t(0), 5 * MB, 11 * MB}) {
          for (uint64_t marked : {uint64_t(0), 2 * MB, 9 * MB}) {
            c.memoryLimit = limit;
            c.heapMarked = marked;
            ASSERT_EQ(c.memoryLimitHeapGoal(mapped, freeB, objs), goMemoryLimitGoal(limit, marked, mapped, freeB, objs))
                << "limit " << limit << " mapped " << mapped << " free " << freeB << " objects " << objs << " marked "
                << marked;
          }
        }
      }
    }
  }
}

// heapGoal is the smaller of the two goals; with GOGC=off only the limit's.
TEST(PacerGoal, TheGoalIsTheSmallerOfGogcsAndTheLimits) {
  gcControllerState c;
  c.setGCPercent(100);
  c.heapMarked = 30 * MB;  // GOGC goal 60 MB
  c.memoryLimit = 64 * MB;
  c.commitMemoryLimit(40 * MB, 4 * MB, 30 * MB);  // limit goal 57 MB
  EXPECT_EQ(c.heapGoal(), 57 * MB);
  c.heapMarked = 20 * MB;  // GOGC goal 40 MB
  EXPECT_EQ(c.heapGoal(), 40 * MB);
  c.setGCPercent(-1);
  EXPECT_EQ(c.heapGoal(), 57 * MB) << "GOGC=off with a limit: the limit's goal";
  c.memoryLimit = maxInt64;
  c.commitMemoryLimit(40 * MB, 4 * MB, 30 * MB);
  EXPECT_EQ(c.heapGoal(), ~uint64_t(0)) << "GOGC=off and no limit: no goal";
}

// Go: trigger — the goal minus the runway (cons/mark x the scan work at 25%
// of the CPU), kept between 45/64 (~0.7) and 61/64 (~0.95) of the way from
// heapMarked to the goal, with at most 4 MB of headroom for large heaps.
uint64_t goTrigger(const gcControllerState& c, uint64_t goal) {
  if (c.heapMarked >= goal) return goal;
  uint64_t minTrigger = std::max(c.heapMarked, (goal - c.heapMarked) / 64 * 45 + c.heapMarked);
  uint64_t maxTrigger = (goal - c.heapMarked) / 64 * 61 + c.heapMarked;
  if (goal > defaultHeapMinimum && goal - defaultHeapMinimum > maxTrigger) maxTrigger = goal - defaultHeapMinimum;
  maxTrigger = std::max(maxTrigger, minTrigger);
  const uint64_t runway = c.runway();
  uint64_t trigger = runway > goal ? minTrigger : goal - runway;
  return std::clamp(trigger, minTrigger, maxTrigger);
}

TEST(PacerTrigger, IsTheGoalMinusTheRunwayWithinGosBounds) {
  for (int32_t gogc : {-1, 10, 100, 300}) {
    for (uint64_t heapMarked : {uint64_t(0), 2 * MB, 40 * MB, 900 * MB}) {
      for (double consMark : {0.0, 0.05, 0.3, 1.0, 4.0, 100.0}) {
        for (uint64_t heapScan : {uint64_t(0), MB, 30 * MB}) {
          gcControllerState c;
          c.setGCPercent(gogc);
          c.heapMarked = heapMarked;
          c.lastHeapScan = heapScan;
          c.consMarkHistory[2] = consMark;
          const uint64_t goal = gogc < 0 ? heapMarked + 64 * MB : c.heapGoal();
          const std::string at = "GOGC=" + std::to_string(gogc) + " heapMarked=" + std::to_string(heapMarked) +
                                 " cons/mark=" + std::to_string(consMark) + " scan=" + std::to_string(heapScan);
          const uint64_t t = c.trigger(goal);
          ASSERT_EQ(t, goTrigger(c, goal)) << at;
          ASSERT_LE(t, goal) << at;
          ASSERT_GE(t, heapMarked) << at;
        }
      }
    }
  }
  // A goal at or below the live heap: start at once, at the goal.
  gcControllerState c;
  c.heapMarked = 50 * MB;
  EXPECT_EQ(c.trigger(40 * MB), 40 * MB);
  EXPECT_EQ(c.trigger(50 * MB), 50 * MB);
}

// A longer runway (the program allocates more per unit of marking) starts
// the cycle earlier, never later.
TEST(PacerTrigger, MoreRunwayNeverStartsLater) {
  gcControllerState c;
  c.setGCPercent(100);
  c.heapMarked = 100 * MB;
  c.lastHeapScan = 20 * MB;
  const uint64_t goal = c.heapGoal();
  uint64_t prev = ~uint64_t(0);
  for (double cm = 0; cm < 3; cm += 0.05) {
    c.consMarkHistory[0] = cm;
    const uint64_t t = c.trigger(goal);
    EXPECT_LE(t, prev) << "cons/mark " << cm;
    prev = t;
  }
  EXPECT_EQ(prev, (goal - c.heapMarked) / 64 * 45 + c.heapMarked) << "a huge runway: the 0.7 bound";
}

// Go: revise (1.19) — assistWorkPerByte = scan work left / heap left, with
// the goal extrapolated when the heap grew, 10% overshoot past the goal,
// and floors of 1000 bytes of work and 1 byte of heap.
double goAssistWorkPerByte(const gcControllerState& c, uint64_t heapLive, int64_t work) {
  const int64_t pct = c.gcPercent < 0 ? 100000 : c.gcPercent;
  const int64_t live = int64_t(heapLive);
  int64_t goal = int64_t(c.heapGoal());
  int64_t expected = int64_t(c.lastHeapScan + c.lastStackScan + c.globalsScan);
  const int64_t maxScanWork = int64_t(c.heapScan + c.maxStackScan + c.globalsScan);
  if (work > expected) {
    const int64_t trig = std::min<int64_t>(int64_t(c.triggered), goal);
    int64_t ext = int64_t(double(goal - trig) / double(std::max<int64_t>(expected, 1)) * double(maxScanWork)) + trig;
    expected = maxScanWork;
    const int64_t hard = int64_t((1.0 + double(pct) / 100.0) * double(goal));
    goal = std::min(ext, hard);
  }
  if (live > goal) {
    goal = int64_t(double(goal) * 1.1);
    expected = maxScanWork;
  }
  const int64_t workLeft = std::max<int64_t>(expected - work, 1000);
  const int64_t heapLeft = std::max<int64_t>(goal - live, 1);
  return double(workLeft) / double(heapLeft);
}

TEST(PacerRevise, AssistRatioIsWorkLeftOverHeapLeftAcrossTheMark) {
  for (int32_t gogc : {50, 100, 200}) {
    for (uint64_t heapScan : {4 * MB, 16 * MB, 200 * MB}) {
      gcControllerState c;
      c.setGCPercent(gogc);
      c.heapMarked = 16 * MB;
      c.lastHeapScan = 8 * MB;
      c.lastStackScan = 256 << 10;
      c.globalsScan = 64 << 10;
      c.heapScan = heapScan;
      c.maxStackScan = MB;
      const uint64_t goal = c.heapGoal();
      c.triggered = c.trigger(goal);
      // The mark goes on: heapLive from the trigger to well past the goal,
      // scan work from none to more than expected.
      for (uint64_t live = c.triggered; live < goal * 2; live += MB / 2) {
        for (int64_t work : {int64_t(0), int64_t(MB), int64_t(8 * MB), int64_t(9 * MB), int64_t(300 * MB)}) {
          c.revise(live, work);
          const double want = goAssistWorkPerByte(c, live, work);
          const std::string at = "GOGC=" + std::to_string(gogc) + " heapScan=" + std::to_string(heapScan) +
                                 " heapLive=" + std::to_string(live) + " work=" + std::to_string(work);
          ASSERT_DOUBLE_EQ(c.assistWorkPerByte.load(), want) << at;
          ASSERT_DOUBLE_EQ(c.assistBytesPerWork.load(), 1 / want) << at << ": the two rates are inverses";
          ASSERT_GT(c.assistWorkPerByte.load(), 0) << at;
          ASSERT_TRUE(std::isfinite(c.assistWorkPerByte.load())) << at;
        }
      }
    }
  }
}

}  // namespace
}  // namespace rt::gc
