// The pacer: when to start a GC cycle, and how hard mutators must help.
//
// Lesson. A concurrent GC races the program: while it marks, goroutines keep
// allocating. Start too late and the heap overshoots its goal; too early and
// the GC runs more often than it must. Go's pacer (mgcpacer.go, redesigned
// in Go 1.18) answers three questions each cycle:
//
//   goal     how big may the heap get before this cycle must be done?
//            heapMarked + (heapMarked + stacks + globals) * GOGC/100,
//            at least 4 MB * GOGC/100, and no more than GOMEMLIMIT allows.
//   trigger  at what heap size to start, so marking ends near the goal?
//            goal - runway, where the runway is how much the program
//            allocates while the GC does its scan work at 25% of the CPU
//            (estimated from past cycles: cons/mark), kept between 70% and
//            95% of the way from heapMarked to the goal.
//   assists  how much scan work a goroutine owes per byte it allocates
//            while marking (assistWorkPerByte = work left / heap left), so
//            the mark finishes by the goal whatever the allocation rate.
//            revise() recomputes it whenever heapLive moves during the mark
//            (each span an mcache takes, each large object).
//
// Background workers take 25% of GOMAXPROCS: whole Ps when that is close to
// a whole number ("dedicated"), otherwise a fraction of one P's time
// ("fractional"); workersFor() is Go's table.
//
// Everything here is arithmetic on numbers the collector feeds in, so it is
// tested on its own (tests/core/gc/pacer_test.cpp).
//
// Named simplifications: cons/mark is Go 1.21's estimate (the maximum of the
// last four cycles' measurements) rather than 1.19's PI controller; the
// memory-limit goal uses the heap's own mapped bytes and is
// recomputed at each cycle's start and end (Go recomputes it continuously).
#pragma once

#include <atomic>
#include <cstdint>
#include <limits>
#include <string>

namespace rt::gc {

// Go: runtime/mgcpacer.go constants.
inline constexpr double gcBackgroundUtilization = 0.25;
inline constexpr double gcGoalUtilization = gcBackgroundUtilization;
inline constexpr uint64_t defaultHeapMinimum = 4 << 20;
inline constexpr uint64_t triggerRatioDen = 64;
inline constexpr uint64_t minTriggerRatioNum = 45;  // ~0.7
inline constexpr uint64_t maxTriggerRatioNum = 61;  // ~0.95
inline constexpr int64_t gcOverAssistWork = 64 << 10;
inline constexpr int64_t gcCreditSlack = 2000;
inline constexpr int64_t maxInt64 = std::numeric_limits<int64_t>::max();

// Go's table: background mark workers for GOMAXPROCS procs.
struct WorkerSplit {
  int dedicated = 0;
  double fractionalUtilizationGoal = 0;
};
WorkerSplit workersFor(int procs);

// Go: runtime/mgcpacer.go gcControllerState (the fields the lab models).
struct gcControllerState {
  // Inputs set by the user.
  int32_t gcPercent = 100;              // GOGC; < 0 means off
  int64_t memoryLimit = maxInt64;       // GOMEMLIMIT
  uint64_t heapMinimum = defaultHeapMinimum;

  // The last cycle's results (Go: heapMarked, lastHeapScan, lastStackScan).
  uint64_t heapMarked = 0;
  uint64_t lastHeapScan = 0;
  uint64_t lastStackScan = 0;
  uint64_t globalsScan = 0;  // scannable global bytes
  uint64_t maxStackScan = 0; // all stack bytes that might be scanned
  double consMarkHistory[4] = {};  // Go 1.21: the last four cons/mark samples
  // The memory limit's goal, recomputed from the heap's mapped memory at
  // every cycle boundary (commitMemoryLimit); ~0 without a limit.
  uint64_t memoryLimitGoal = ~uint64_t(0);

  // This cycle (Go: triggered, dedicatedMarkWorkersNeeded, ...).
  uint64_t triggered = ~uint64_t(0);  // heapLive when the cycle began
  // Go: heapScan — the scannable heap, fixed when the cycle begins (the
  // lab counts all of heapLive as scannable).
  uint64_t heapScan = 0;
  int dedicatedMarkWorkersNeeded = 0;
  double fractionalUtilizationGoal = 0;
  // Go: assistWorkPerByte / assistBytesPerWork (atomic.Float64): written
  // by revise on any allocating thread during the mark, read by assists.
  // "Updated atomically but not together", as in Go.
  std::atomic<double> assistWorkPerByte{0};
  std::atomic<double> assistBytesPerWork{0};

  // Go: (*gcControllerState).setGCPercent / setMemoryLimit.
  void setGCPercent(int32_t pct);

  // Go: gcPercentHeapGoal and memoryLimitHeapGoal combined, as heapGoal().
  // mappedReady/heapFree/heapAlloc feed the memory-limit goal.
  uint64_t heapGoal() const;
  uint64_t gcPercentHeapGoal() const;
  uint64_t memoryLimitHeapGoal(uint64_t mappedReady, uint64_t heapFree, uint64_t heapAlloc) const;
  uint64_t heapGoalWith(uint64_t mappedReady, uint64_t heapFree, uint64_t heapAlloc) const;
  // Go: the memory-limit half of heapGoalInternal, cached for heapGoal().
  void commitMemoryLimit(uint64_t mappedReady, uint64_t heapFree, uint64_t heapAlloc) {
    memoryLimitGoal = memoryLimitHeapGoal(mappedReady, heapFree, heapAlloc);
  }
  // Go: (*gcControllerState).runway and trigger(): {trigger, goal}.
  double consMark() const;
  uint64_t runway() const;
  uint64_t trigger(uint64_t goal) const;

  // Go: (*gcControllerState).startCycle — worker split for procs, and the
  // first assist ratio. Returns the gcpacertrace line (without "\n").
  std::string startCycle(uint64_t heapLive, int procs, uint64_t scannable);
  // Go: (*gcControllerState).revise — recompute the assist ratio from the
  // scan work done so far (heap + stacks + globals) and the heap left
  // before the goal. Called at the cycle's start and, during the mark, on
  // every heapLive update (Go: gcControllerState.update).
  void revise(uint64_t heapLive, int64_t scanWorkDone);
  // Go: (*gcControllerState).endCycle (cons/mark) and resetLive (heapMarked
  // and the scan sizes for the next cycle). Returns the gcpacertrace line.
  struct CycleEnd {
    uint64_t heapLive = 0;     // at mark termination
    uint64_t heapMarked = 0;   // bytes marked
    int64_t heapScanWork = 0, stackScanWork = 0, globalsScanWork = 0;
    int64_t markDurationNs = 0;
    int64_t assistTimeNs = 0, idleMarkTimeNs = 0;
    int procs = 1;
  };
  std::string endCycle(const CycleEnd& e);
};

// Go's print of a float64: "+1.186226e+000".
std::string goFloat(double v);

}  // namespace rt::gc
