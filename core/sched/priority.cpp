// NOT GO: see priority.hpp.
#include "sched/priority.hpp"

#include "sched/goroutine.hpp"
#include "sched/proc.hpp"
#include "sched/runq.hpp"
#include "sched/runtime.hpp"

namespace rt {

void SetSchedPolicy(SchedPolicy policy) { getm()->rt->schedPolicy.store(policy, std::memory_order_relaxed); }

void goWithPriority(Goroutine fn, Priority priority, const char* name) {
  newproc(getm()->rt, fn.release(), name, nullptr, priority);
}

bool queuedHigh(const Runtime* rt, const G* gp) {
  return gp->priority == Priority::High && rt->schedPolicy.load(std::memory_order_relaxed) == SchedPolicy::Queue;
}

bool putHighPriority(Runtime* rt, G* gp) {
  if (gp->priority == Priority::Normal || !queuedHigh(rt, gp)) return false;
  std::lock_guard lock(rt->sched.lock);
  globrunqput(rt, gp);  // to sched.runqHigh (runq.cpp)
  return true;
}

int64_t timeSliceFor(const Runtime* rt, const G* gp) {
  const bool longer =
      gp->priority == Priority::High && rt->schedPolicy.load(std::memory_order_relaxed) == SchedPolicy::Slice;
  return longer ? kHighPrioritySliceFactor * kForcePreemptNS : kForcePreemptNS;
}

}  // namespace rt
