#include "sched/api.hpp"

#include "sched/runtime.hpp"
#include "sched/stw.hpp"
#include "sched/timers.hpp"

namespace rt {

Runtime* currentRuntime() {
  M* mp = getm();
  return mp ? mp->rt : nullptr;
}

void go(Goroutine fn, const char* name) { newproc(currentRuntime(), fn.release(), name); }

bool preemptRequested() {
  G* gp = getg();
  return gp->preempt.load(std::memory_order_relaxed) || gp->m->rt->exiting.load(std::memory_order_relaxed);
}

void detail::yieldForPreemption() { getg()->handoff = Handoff::Preempt; }

void Gosched::await_suspend(coro::coroutine_handle<>) const noexcept { getg()->handoff = Handoff::Gosched; }

namespace {

// Go: runtime/time.go resetForSleep — the park_m unlock function that arms
// the timer once the goroutine is parked, so it cannot fire too early.

bool armSleepTimer(G* gp, void* when) {
  addtimer(getm()->p, *static_cast<int64_t*>(when), gp);
  return true;
}

}  // namespace

void Sleep::await_suspend(coro::coroutine_handle<>) noexcept {
  if (ns <= 0) {  // Go: time.Sleep(0) returns at once; we only get here to honour a preemption
    detail::yieldForPreemption();
    return;
  }
  M* mp = getm();
  when = mp->rt->platform->nanotime() + ns;
  gopark(armSleepTimer, &when, WaitReason::Sleep);  // the frame (and `when`) outlive the park
}

int64_t nanotime() { return currentRuntime()->platform->nanotime(); }

// Go: runtime/proc.go gcount
int NumGoroutine() {
  Runtime* rt = currentRuntime();
  int n = 0;
  std::lock_guard<std::mutex> lock(rt->allgLock);
  for (G* gp = rt->allgs; gp; gp = gp->alllink) {
    Gstatus s = readgstatus(gp);
    if (s != Gstatus::Dead && s != Gstatus::Idle) n++;
  }
  return n;
}

// Go: runtime/debug.go GOMAXPROCS: stopTheWorldGC, newprocs = n, startTheWorldGC.
bool GOMAXPROCS::await_ready() noexcept {
  M* mp = getm();
  Runtime* rt = mp->rt;
  previous = rt->gomaxprocs.load();
  if (n <= 0 || n == previous) return !preemptRequested();
  if (n > kMaxGomaxprocs) n = kMaxGomaxprocs;
  if (stopTheWorld(mp)) startTheWorld(mp, n);
  return !preemptRequested();
}

}  // namespace rt
