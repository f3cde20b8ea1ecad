// Where the collector records the heap counter series (trace::HeapSample)
// for the scheduler timeline's heap row and the Chrome trace's "Heap"
// counter: one call wherever heapLive or the goal changes, a no-op unless
// the runtime is traced (as the scheduler's traceEvent, sched/traceev.hpp).
#pragma once

#include "gc/collector.hpp"
#include "sched/runtime.hpp"
#include "trace/tracer.hpp"

namespace rt::gc {

// Go: runtime/trace.go traceHeapAlloc and traceHeapGoal, called from
// mgcpacer.go gcControllerState.update (an mcache took a span, a large
// object), resetLive (mark termination) and gcControllerCommit (a new goal).
// The lab records both values in one sample, beside the events rather than
// as events (trace/tracer.hpp says why). Go records a goal of ^0 (no heap
// goal: GOGC=off without a memory limit) as 0, and so does the lab.
inline void traceHeap(Collector* c) {
  Runtime* r = c->rt;
  if (r->tracer == nullptr) [[likely]]
    return;
  r->tracer->heapSample([c, r] {
    const uint64_t goal = c->gcController.heapGoal();
    return trace::HeapSample{c->nanotime() - r->starttime, c->heap.stats.heapLive.load(),
                             goal == ~uint64_t(0) ? 0 : goal, 0};
  });
}

}  // namespace rt::gc
