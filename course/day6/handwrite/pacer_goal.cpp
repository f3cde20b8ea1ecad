// Day 6, hand-write: the pacer's goal and trigger — gcPercentHeapGoal,
// memoryLimitHeapGoal, trigger.
//
// This is core/gc/pacer_goal.cpp with three function bodies left for you
// (each says TODO(you)); the rest of the file is the lab's own code,
// unchanged. The exercises build compiles this file instead of
// core/gc/pacer_goal.cpp (day 6 also has pacer.cpp and assist.cpp):
//
//   npm run grade -- day6     build with your day-6 files (the other days'
//                             from core/), run the day-6 tests, print a score
//   ctest --preset exercises -L day6 -R 'PacerGoal|PacerTrigger'
//
// What Go does (go.dev/src/runtime/mgcpacer.go: commit, heapGoalInternal,
// memoryLimitHeapGoal, trigger; the fields are in pacer.hpp, whose lesson
// explains the whole pacer):
//   After a cycle the pacer knows heapMarked, what survived. The goal for
//   the next cycle: with GOGC=100, the program may allocate as much again
//   as the GC will have to scan (the live heap, the stacks, the globals)
//   before that cycle must end; at least 4 MB * GOGC/100. GOMEMLIMIT can
//   only lower it: the heap may take whatever the limit leaves after
//   everything mapped that is not heap objects, less 1 MB of headroom. The
//   trigger starts the cycle so that the mark, at 25% of the CPU, ends
//   near the goal: the goal minus the runway (how much the program
//   allocates while the last cycle's scan work is redone, from cons/mark),
//   but always between ~70% and ~95% of the way from heapMarked to the
//   goal.
//
// Invariants the tests check:
//   - the GOGC goal is Go's formula for every GOGC from 0 to 20000 and off,
//     over live heaps, stacks and globals from 0 to 5 GB;
//   - the memory-limit goal is Go's formula over a sweep of limits and
//     mapped, free and live memory, never below heapMarked; heapGoal is
//     the smaller goal, and with GOGC=off the limit's alone;
//   - the trigger is Go's for every runway, between the two bounds, never
//     past the goal, and a longer runway never starts the cycle later;
//   - whole programs keep their heap near the goal (Gc*, GcPacing.*).
//
// Which tests judge it (ctest label day6):
//   PacerGoal.*, PacerTrigger.*   the above (tests/core/gc/pacer_goal_test.cpp)
//   Pacer.*, GcPacing.*, Gc*      the pacer and the collector on top of it
// The lab's own version is core/gc/pacer_goal.cpp. Copied here it scores
// full marks, which is how CI proves the tests fair; write yours first.
#include "gc/pacer.hpp"

#include <algorithm>

namespace rt::gc {

// Go: runtime/mgcpacer.go (*gcControllerState).setGCPercent, and commit's
// heapMinimum.
void gcControllerState::setGCPercent(int32_t pct) {
  gcPercent = pct < 0 ? -1 : pct;
  // Go: commit — heapMinimum = defaultHeapMinimum * GOGC/100.
  heapMinimum = gcPercent < 0 ? defaultHeapMinimum : defaultHeapMinimum * uint64_t(gcPercent) / 100;
}

// Go: runtime/mgcpacer.go (*gcControllerState).commit, the
// gcPercentHeapGoal it computes (heapGoalInternal then takes the smaller of
// it and the memory limit's goal).
uint64_t gcControllerState::gcPercentHeapGoal() const {
  // TODO(you): Go's GOGC goal (commit). With GOGC off (gcPercent < 0):
  // no goal, ~uint64_t(0). Else the live heap plus GOGC percent of
  // everything the GC scans — heapMarked + (heapMarked + lastStackScan +
  // globalsScan) * gcPercent / 100, in integers, multiplying first — and
  // never below heapMinimum (4 MB * GOGC/100, set by setGCPercent).
  return heapMinimum;
}

// Go: runtime/mgcpacer.go (*gcControllerState).memoryLimitHeapGoal (1.19).
uint64_t gcControllerState::memoryLimitHeapGoal(uint64_t mappedReady, uint64_t heapFree, uint64_t heapAlloc) const {
  // TODO(you): Go's memoryLimitHeapGoal (1.19). No limit (memoryLimit ==
  // maxInt64): ~uint64_t(0). Else, from the limit, take off
  //   nonHeapMemory = mappedReady - heapFree - heapAlloc (0 if that would
  //                   be negative): memory that holds no heap object;
  //   overage       = how far mappedReady is over the limit (or 0);
  //   1 MB          memoryLimitHeapGoalHeadroom.
  // If those add up to the limit or more, the goal is heapMarked; and it
  // is never below heapMarked. (All unsigned: compare before subtracting.)
  return ~uint64_t(0);
}

// The goal for the given heap sizes (what `heap` shows before the limit
// goal is committed).
uint64_t gcControllerState::heapGoalWith(uint64_t mappedReady, uint64_t heapFree, uint64_t heapAlloc) const {
  return std::min(gcPercentHeapGoal(), memoryLimitHeapGoal(mappedReady, heapFree, heapAlloc));
}

// Go: heapGoal — the smaller of the GOGC goal and the memory limit's.
uint64_t gcControllerState::heapGoal() const { return std::min(gcPercentHeapGoal(), memoryLimitGoal); }

// Go 1.21: runtime/mgcpacer.go commit's cons/mark, the maximum of the last
// four cycles' (the lab's named simplification, pacer.hpp).
double gcControllerState::consMark() const {
  return *std::max_element(std::begin(consMarkHistory), std::end(consMarkHistory));
}

// Go: runtime/mgcpacer.go (*gcControllerState).commit, the runway part:
// how many bytes the program allocates while the GC does last cycle's scan
// work at gcGoalUtilization of the CPU.
uint64_t gcControllerState::runway() const {
  if (gcPercent < 0) return 0;
  double scan = double(lastHeapScan + lastStackScan + globalsScan);
  return uint64_t(consMark() * (1 - gcGoalUtilization) / gcGoalUtilization * scan);
}

// Go: runtime/mgcpacer.go (*gcControllerState).trigger
uint64_t gcControllerState::trigger(uint64_t goal) const {
  // TODO(you): Go's trigger, for this goal.
  //   - heapMarked >= goal: return goal (start at once).
  //   - minTrigger: 45/64 (~0.7) of the way from heapMarked to the goal,
  //     (goal - heapMarked) / triggerRatioDen * minTriggerRatioNum +
  //     heapMarked (divide first, as Go does), and not below heapMarked.
  //   - maxTrigger: the same with maxTriggerRatioNum (61/64, ~0.95); but a
  //     large heap keeps no more than defaultHeapMinimum (4 MB) of
  //     headroom: if goal > 4 MB and goal - 4 MB is above maxTrigger, that
  //     is maxTrigger. Never below minTrigger.
  //   - The trigger is goal - runway() (minTrigger if the runway is longer
  //     than the goal), clamped to [minTrigger, maxTrigger].
  return goal;
}

}  // namespace rt::gc
