#include "sched/api.hpp"

#include <string_view>

#include "sched/runtime.hpp"
#include "sched/stw.hpp"
#include "sched/timers.hpp"

namespace rt {

Runtime* currentRuntime() {
  M* mp = getm();
  return mp ? mp->rt : nullptr;
}

void go(Goroutine fn, const char* name, const char* createdBy) {
  newproc(currentRuntime(), fn.release(), name, createdBy);
}

bool preemptRequested() {
  G* gp = getg();
  return gp->preempt.load() || gp->m->rt->exiting.load(std::memory_order_relaxed);
}

void detail::yieldForPreemption() { getg()->handoff = Handoff::Preempt; }

void Gosched::await_suspend(coro::coroutine_handle<>) const noexcept { getg()->handoff = Handoff::Gosched; }

void syscallFor::await_suspend(coro::coroutine_handle<>) const noexcept {
  G* gp = getg();
  gp->call = BlockingCall{nullptr, nullptr, ns, 0};
  gp->handoff = block ? Handoff::SyscallBlock : Handoff::Syscall;
}

void cpu::await_suspend(coro::coroutine_handle<>) const noexcept {
  if (ns <= 0) {  // only here to honour a preemption
    detail::yieldForPreemption();
    return;
  }
  G* gp = getg();
  gp->call = BlockingCall{nullptr, nullptr, ns, 0};
  gp->handoff = Handoff::Cpu;
}

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

// Go: runtime/debug.go NumGoroutine, which returns gcount().
int NumGoroutine() { return gcount(currentRuntime()); }

// Go: runtime/debug.go GOMAXPROCS: stopTheWorldGC, newprocs = n,
// startTheWorldGC — done by the M (mstart's Handoff::StopTheWorld).
bool GOMAXPROCS::await_ready() noexcept {
  Runtime* rt = currentRuntime();
  previous = rt->gomaxprocs.load();
  if (n > kMaxGomaxprocs) n = kMaxGomaxprocs;
  return (n <= 0 || n == previous) && !preemptRequested();
}

void GOMAXPROCS::await_suspend(coro::coroutine_handle<>) const noexcept {
  G* gp = getg();
  if (n <= 0 || n == previous) {  // only here to honour a preemption
    detail::yieldForPreemption();
    return;
  }
  gp->call = BlockingCall{nullptr, nullptr, 0, n};
  gp->handoff = Handoff::StopTheWorld;
}

}  // namespace rt
