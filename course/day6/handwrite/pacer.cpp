// Day 6, hand-write: the assist ratio — gcControllerState::revise.
//
// This is core/gc/pacer.cpp with one function body left for you (it says
// TODO(you)); the rest of the file is the lab's own code, unchanged. The
// exercises build compiles this file instead of core/gc/pacer.cpp (day 6
// also has pacer_goal.cpp and assist.cpp):
//
//   npm run grade -- day6     build with your day-6 files (the other days'
//                             from core/), run the day-6 tests, print a score
//   ctest --preset exercises -L day6 -R 'PacerRevise|Pacer\.'
//
// What Go does (go.dev/src/runtime/mgcpacer.go revise, 1.19; pacer.hpp has
// the lesson):
//   While the GC marks, the program allocates. For the mark to finish by
//   the heap goal, every byte allocated must pay for some scan work: the
//   scan work still to do, divided by the heap still left before the goal.
//   That exchange rate is assistWorkPerByte (and its inverse,
//   assistBytesPerWork, for turning work back into bytes); assists
//   (assist.cpp) charge it. revise recomputes it at the cycle's start and
//   whenever heapLive grows during the mark. When the mark has already
//   done more work than the last cycle needed, the heap is growing: the
//   goal is pushed out in proportion (never past (1 + GOGC/100) x the
//   goal); past the goal, the pacer aims 10% beyond it.
//
// Invariants the tests check:
//   - the ratio is Go's formula at every point of a mark (heapLive from the
//     trigger to twice the goal, work from none to far more than expected)
//     for several GOGC values and heap sizes; the two rates are inverses,
//     positive and finite;
//   - the cases Go names: work left over heap left, the extrapolated goal,
//     the hard goal, the 10% overshoot, GOGC=off (Pacer.*);
//   - during a real mark, the ratio is revised as the heap grows
//     (GcPacing.AssistRatioIsRevisedDuringTheMark).
//
// Which tests judge it (ctest label day6):
//   PacerRevise.*     the sweep (tests/core/gc/pacer_goal_test.cpp)
//   Pacer.*, GcPacing.*, Gc*   the pacer and the collector on top of it
// The lab's own version is core/gc/pacer.cpp. Copied here it scores full
// marks, which is how CI proves the tests fair; write yours first.
#include "gc/pacer.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace rt::gc {

// Go: runtime/mgcpacer.go (*gcControllerState).startCycle, the worker part.
WorkerSplit workersFor(int procs) {
  WorkerSplit w;
  // Compute the background mark utilization goal. In general, this may not
  // come out exactly. We round the number of dedicated workers so that the
  // utilization is closest to 25%. For small GOMAXPROCS, this would
  // introduce too much error, so we add fractional workers in that case.
  double totalUtilizationGoal = double(procs) * gcBackgroundUtilization;
  int dedicated = int(totalUtilizationGoal + 0.5);
  double utilError = double(dedicated) / totalUtilizationGoal - 1;
  const double maxUtilError = 0.3;
  if (utilError < -maxUtilError || utilError > maxUtilError) {
    // Rounding put us more than 30% off our goal. With gcBackgroundUtilization
    // of 25%, this happens for GOMAXPROCS<=3 or GOMAXPROCS=6. Enable
    // fractional workers to compensate.
    if (double(dedicated) > totalUtilizationGoal) {
      // Too many dedicated workers.
      dedicated--;
    }
    w.fractionalUtilizationGoal = (totalUtilizationGoal - double(dedicated)) / double(procs);
  }
  w.dedicated = dedicated;
  return w;
}

std::string goFloat(double v) {
  // Go: runtime/print.go printfloat — "+d.dddddde+ddd".
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char sign = v < 0 ? '-' : '+';
  double x = std::fabs(v);
  int e = 0;
  if (x != 0) {
    e = int(std::floor(std::log10(x)));
    x /= std::pow(10.0, e);
    // Round to 7 significant digits; carry may give 10.000000.
    x = std::round(x * 1e6) / 1e6;
    if (x >= 10) {
      x /= 10;
      e++;
    }
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%c%.6fe%c%03d", sign, x, e < 0 ? '-' : '+', e < 0 ? -e : e);
  return buf;
}

std::string gcControllerState::startCycle(uint64_t heapLive, int procs, uint64_t scannable) {
  triggered = heapLive;
  heapScan = scannable;
  WorkerSplit w = workersFor(procs);
  dedicatedMarkWorkersNeeded = w.dedicated;
  fractionalUtilizationGoal = w.fractionalUtilizationGoal;
  revise(heapLive, 0);
  uint64_t goal = heapGoal();
  return "pacer: assist ratio=" + goFloat(assistWorkPerByte.load()) + " (scan " + std::to_string(scannable >> 20) +
         " MB in " + std::to_string(triggered >> 20) + "->" + std::to_string(goal >> 20) + " MB) workers=" +
         std::to_string(dedicatedMarkWorkersNeeded) + "+" + goFloat(fractionalUtilizationGoal);
}

// Go: runtime/mgcpacer.go (*gcControllerState).revise (1.19)
void gcControllerState::revise(uint64_t heapLive, int64_t work) {
  // TODO(you): Go's revise (1.19): the assist ratio, so that by the time the
  // heap reaches the goal the remaining scan work is done.
  //   - pct = gcPercent, or 100000 when GOGC is off (a forced cycle).
  //   - goal = heapGoal(); scanWorkExpected = lastHeapScan + lastStackScan
  //     + globalsScan (last cycle's work); maxScanWork = heapScan +
  //     maxStackScan + globalsScan (the worst case: everything is live).
  //     Compute in int64_t (heapLive capped at maxInt64, like the goal).
  //   - If work > scanWorkExpected, the heap is growing: extrapolate the
  //     goal, extHeapGoal = (goal - trig) / scanWorkExpected * maxScanWork
  //     + trig (as doubles, trig = min(triggered, goal), and at least 1 as
  //     the divisor), at most the hard goal (1 + pct/100) * goal; it is
  //     the goal now, and scanWorkExpected = maxScanWork.
  //   - If heapLive > goal even so: goal *= 1.1 (maxOvershoot) and
  //     scanWorkExpected = maxScanWork.
  //   - scanWorkRemaining = scanWorkExpected - work, at least 1000;
  //     heapRemaining = goal - heapLive, at least 1.
  //   - Store assistWorkPerByte = remaining work / remaining heap, and
  //     assistBytesPerWork = its inverse (heapRemaining / scanWorkRemaining).
}

std::string gcControllerState::endCycle(const CycleEnd& e) {
  uint64_t goal = heapGoal();
  // Go: endCycle — the cons/mark ratio of this cycle: bytes allocated
  // during the mark per unit of scan work, scaled by CPU use.
  double utilization = gcBackgroundUtilization;
  if (e.markDurationNs > 0) {
    utilization += double(e.assistTimeNs) / (double(e.markDurationNs) * e.procs);
  }
  double idleUtilization = 0;
  if (e.markDurationNs > 0) idleUtilization = double(e.idleMarkTimeNs) / (double(e.markDurationNs) * e.procs);
  int64_t scanWork = e.heapScanWork + e.stackScanWork + e.globalsScanWork;
  double currentConsMark = 0;
  if (scanWork > 0 && utilization < 1 && e.heapLive > triggered)
    currentConsMark = double(e.heapLive - triggered) * (utilization + idleUtilization) / (double(scanWork) * (1 - utilization));
  for (int i = 3; i > 0; i--) consMarkHistory[i] = consMarkHistory[i - 1];
  consMarkHistory[0] = currentConsMark;

  std::string line = "pacer: " + std::to_string(int(utilization * 100)) + "% CPU (" +
                     std::to_string(int(gcGoalUtilization * 100)) + " exp.) for " + std::to_string(e.heapScanWork) +
                     "+" + std::to_string(e.stackScanWork) + "+" + std::to_string(e.globalsScanWork) + " B work (" +
                     std::to_string(lastHeapScan + lastStackScan + globalsScan) + " B exp.) in " +
                     std::to_string(triggered) + " B -> " + std::to_string(e.heapLive) + " B (\xe2\x88\x86goal " +
                     std::to_string(int64_t(e.heapLive) - int64_t(goal)) + ", cons/mark " + goFloat(currentConsMark) + ")";
  // Go: resetLive and the scan-size bookkeeping of gcMarkTermination.
  heapMarked = e.heapMarked;
  lastHeapScan = uint64_t(e.heapScanWork);
  lastStackScan = uint64_t(e.stackScanWork);
  triggered = ~uint64_t(0);
  return line;
}

}  // namespace rt::gc
