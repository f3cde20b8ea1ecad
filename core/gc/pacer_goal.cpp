// The pacer's goal and trigger: how big the heap may grow before a cycle
// must be done, and at what size to start it.
//
// Lesson (pacer.hpp has the whole pacer). After each cycle the pacer knows
// heapMarked, the bytes that survived. With GOGC=100 the program may
// allocate as much again, plus room for the stacks and globals the GC also
// scans, before the next cycle must end: that is the goal. A memory limit
// can only lower it. The trigger then starts the cycle early enough that the
// mark, running at 25% of the CPU while the program keeps allocating,
// finishes near the goal: goal - runway, clamped between 70% and 95% of the
// way from heapMarked to the goal (so cycles neither start at once nor
// leave no room to mark).
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
  uint64_t goal = ~uint64_t(0);
  if (gcPercent >= 0)
    goal = heapMarked + (heapMarked + lastStackScan + globalsScan) * uint64_t(gcPercent) / 100;
  // Apply the minimum heap size here.
  if (goal < heapMinimum) goal = heapMinimum;
  return goal;
}

// Go: runtime/mgcpacer.go (*gcControllerState).memoryLimitHeapGoal (1.19).
uint64_t gcControllerState::memoryLimitHeapGoal(uint64_t mappedReady, uint64_t heapFree, uint64_t heapAlloc) const {
  if (memoryLimit == maxInt64) return ~uint64_t(0);
  uint64_t limit = uint64_t(memoryLimit);
  // Everything mapped that is neither free heap nor live heap is overhead
  // the heap goal must leave room for.
  uint64_t nonHeapMemory = mappedReady > heapFree + heapAlloc ? mappedReady - heapFree - heapAlloc : 0;
  uint64_t overage = mappedReady > limit ? mappedReady - limit : 0;
  const uint64_t memoryLimitHeapGoalHeadroom = 1 << 20;
  if (nonHeapMemory + overage + memoryLimitHeapGoalHeadroom >= limit) return heapMarked;
  uint64_t goal = limit - nonHeapMemory - overage - memoryLimitHeapGoalHeadroom;
  return goal < heapMarked ? heapMarked : goal;
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
  if (heapMarked >= goal) {
    // The goal should never be smaller than heapMarked, but let's be
    // defensive about it. The only reasonable trigger here is one that
    // causes a continuous GC cycle at heapMarked.
    return goal;
  }
  uint64_t minTrigger = heapMarked;
  // Set the lower bound to at least 0.7 of the way from heapMarked to the goal.
  uint64_t triggerLowerBound = (goal - heapMarked) / triggerRatioDen * minTriggerRatioNum + heapMarked;
  if (minTrigger < triggerLowerBound) minTrigger = triggerLowerBound;
  // For small heaps, set the max trigger point at 0.95 of the way from the
  // live heap to the heap goal. For larger heaps, leave 4 MB of headroom.
  uint64_t maxTrigger = (goal - heapMarked) / triggerRatioDen * maxTriggerRatioNum + heapMarked;
  if (goal > defaultHeapMinimum && goal - defaultHeapMinimum > maxTrigger) maxTrigger = goal - defaultHeapMinimum;
  if (maxTrigger < minTrigger) maxTrigger = minTrigger;
  // Compute the trigger from our bounds and the runway.
  uint64_t trigger;
  uint64_t rw = runway();
  if (rw > goal) trigger = minTrigger;
  else trigger = goal - rw;
  if (trigger < minTrigger) trigger = minTrigger;
  if (trigger > maxTrigger) trigger = maxTrigger;
  return trigger;
}

}  // namespace rt::gc
