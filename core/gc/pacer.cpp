// The pacer's per-cycle arithmetic: the worker split, the assist ratio
// (revise), and the cycle's end (cons/mark); the heap goal and the trigger
// are in pacer_goal.cpp. The lesson is in pacer.hpp.
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
  int64_t pct = gcPercent;
  if (pct < 0) {
    // If GC is disabled but we're running a forced GC,
    // act like GOGC is huge for the below calculations.
    pct = 100000;
  }
  const int64_t live = int64_t(std::min<uint64_t>(heapLive, uint64_t(maxInt64)));
  // Assume we're under the soft goal. Pace GC to complete at heapGoal
  // assuming the heap is in steady-state.
  int64_t goal = int64_t(std::min<uint64_t>(heapGoal(), uint64_t(maxInt64)));
  // The expected scan work is computed as the amount of bytes scanned last
  // GC cycle (both heap and stack), plus our estimate of globals work for
  // this cycle.
  int64_t scanWorkExpected = int64_t(lastHeapScan + lastStackScan + globalsScan);
  // maxScanWork is a worst-case estimate of the amount of scan work that
  // needs to be performed in this GC cycle: all scannable memory is live.
  const int64_t maxScanWork = int64_t(heapScan + maxStackScan + globalsScan);
  if (work > scanWorkExpected) {
    // We've already done more scan work than expected: assume the heap is
    // growing. Extrapolate the runway computed for scanWorkExpected to
    // maxScanWork, the worst case, which keeps the assist ratio stable if
    // the heap continues to grow.
    // (The lab keeps the base at or below the goal and never divides by
    // zero expected work, which Go's arithmetic leaves to chance.)
    const int64_t trig = int64_t(std::min<uint64_t>(triggered, uint64_t(goal)));
    int64_t extHeapGoal =
        int64_t(double(goal - trig) / double(std::max<int64_t>(scanWorkExpected, 1)) * double(maxScanWork)) + trig;
    scanWorkExpected = maxScanWork;
    // hardGoal is a hard limit on the amount that we're willing to push
    // back the heap goal: twice the heap goal with GOGC=100.
    const int64_t hardGoal = int64_t((1.0 + double(pct) / 100.0) * double(goal));
    if (extHeapGoal > hardGoal) extHeapGoal = hardGoal;
    goal = extHeapGoal;
  }
  if (live > goal) {
    // We're already past our heap goal, even the extrapolated one. Leave
    // ourselves some extra runway, so in the worst case we finish by that
    // point.
    const double maxOvershoot = 1.1;
    goal = int64_t(double(goal) * maxOvershoot);
    // Compute the upper bound on the scan work remaining.
    scanWorkExpected = maxScanWork;
  }
  // Compute the remaining scan work estimate.
  int64_t scanWorkRemaining = scanWorkExpected - work;
  if (scanWorkRemaining < 1000) {
    // We set a somewhat arbitrary lower bound on remaining scan work since
    // if we aim a little high, we can miss by a little.
    scanWorkRemaining = 1000;
  }
  // Compute the heap distance remaining.
  int64_t heapRemaining = goal - live;
  if (heapRemaining <= 0) {
    // This shouldn't happen, but if it does, avoid dividing by zero or
    // setting the assist negative.
    heapRemaining = 1;
  }
  // Compute the mutator assist ratio so by the time the mutator allocates
  // the remaining heap bytes up to heapGoal, it will have done (or stolen)
  // the remaining amount of scan work.
  assistWorkPerByte.store(double(scanWorkRemaining) / double(heapRemaining), std::memory_order_relaxed);
  assistBytesPerWork.store(double(heapRemaining) / double(scanWorkRemaining), std::memory_order_relaxed);
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
