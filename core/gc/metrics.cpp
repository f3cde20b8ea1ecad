#include "gc/metrics.hpp"

#include <mutex>

#include "gc/collector.hpp"
#include "sched/proc.hpp"
#include "sched/runtime.hpp"

namespace rt::gc {

RuntimeMetrics readMetrics(Runtime* r, Collector* c) {
  RuntimeMetrics m;
  m.now = r->platform->nanotime();
  m.goroutines = gcount(r);
  m.schedLatencies = r->sched.timeToRun.snapshot();
  m.otherPauses = r->sched.stwTotalTimeOther.snapshot();
  if (c == nullptr) return m;
  m.heapInUse = c->heap.stats.heapInUse.load();
  m.heapLive = c->heap.stats.heapLive.load();
  const uint64_t goal = c->heapGoalNow.load(std::memory_order_relaxed);
  m.heapGoal = goal == ~uint64_t(0) ? 0 : goal;
  {
    std::lock_guard<std::mutex> g(c->statsLock);
    m.gcCycles = c->numGC.load();
    m.heapMarked = c->history.empty() ? 0 : c->history.back().heap2;
  }
  m.gcPauses = c->pauseDist.snapshot();
  return m;
}

}  // namespace rt::gc
